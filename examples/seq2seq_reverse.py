"""A sequence-to-sequence LSTM learns to spell words backwards, one character at a time.

    python examples/seq2seq_reverse.py            # 60 epochs
    python examples/seq2seq_reverse.py --quick    # 12 epochs on fewer words

The shape of Keras's character-level translation example (lstm_seq2seq): an encoder LSTM
reads a word and hands its final states to a decoder LSTM, trained with teacher forcing
(it reads the target shifted by one step). Both take `Input(shape=(None, n))`: sequences
of any length, so after training the same decoder layer, called on one character at a
time with the states of the previous call, spells out new words greedily.
"""
import argparse

import numpy as np

from symkeras.layers import LSTM, Dense, Input
from symkeras.models import Model

LETTERS = 'abcdefgh'
START, END = '\t', '\n'
CHARS = [START, END] + list(LETTERS)
INDEX = {char: i for i, char in enumerate(CHARS)}


LONGEST = 6


def make_words(count, rng):
    return [''.join(rng.choice(list(LETTERS), rng.randint(2, LONGEST + 1)))
            for _ in range(count)]


def one_hot(texts, length):
    """(samples, length, characters) float32, zeros after each text."""
    data = np.zeros((len(texts), length, len(CHARS)), 'float32')
    for i, text in enumerate(texts):
        for t, char in enumerate(text):
            data[i, t, INDEX[char]] = 1.0
    return data


def training_arrays(words):
    """Encoder input, decoder input (START + reversed word + END) and the decoder's
    target: its input one step ahead."""
    targets = [START + word[::-1] + END for word in words]
    longest = max(len(t) for t in targets)
    decoder_in = one_hot(targets, longest)
    decoder_target = one_hot([t[1:] for t in targets], longest)
    return one_hot(words, LONGEST), decoder_in, decoder_target


def build(latent):
    """(training model, encoder model, decoder model for one step at a time)."""
    encoder_in = Input(shape=(None, len(CHARS)))
    _, state_h, state_c = LSTM(latent, return_state=True)(encoder_in)
    decoder_in = Input(shape=(None, len(CHARS)))
    decoder_lstm = LSTM(latent, return_sequences=True, return_state=True)
    decoder_dense = Dense(len(CHARS), activation='softmax')
    decoded, _, _ = decoder_lstm(decoder_in, initial_state=[state_h, state_c])
    model = Model([encoder_in, decoder_in], decoder_dense(decoded))

    encoder = Model(encoder_in, [state_h, state_c])
    given_h, given_c = Input(shape=(latent,)), Input(shape=(latent,))
    step, new_h, new_c = decoder_lstm(decoder_in, initial_state=[given_h, given_c])
    decoder = Model([decoder_in, given_h, given_c], [decoder_dense(step), new_h, new_c])
    return model, encoder, decoder


def spell_backwards(word, encoder, decoder, limit=10):
    """Greedy decoding: feed back each predicted character with the decoder's states.
    The word is padded as in training (the encoder learned to read the padding too)."""
    states = encoder.predict(one_hot([word], LONGEST))
    char, spelled = START, ''
    while len(spelled) <= limit:
        probabilities, state_h, state_c = decoder.predict([one_hot([char], 1)] + states)
        char = CHARS[int(np.argmax(probabilities[0, -1]))]
        if char == END:
            break
        spelled += char
        states = [state_h, state_c]
    return spelled


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='fewer words, 12 epochs')
    args = parser.parse_args()
    epochs, count = (12, 600) if args.quick else (60, 3000)

    rng = np.random.RandomState(0)
    model, encoder, decoder = build(latent=64)
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['acc'])
    model.summary()
    encoder_in, decoder_in, decoder_target = training_arrays(make_words(count, rng))
    model.fit([encoder_in, decoder_in], decoder_target, batch_size=32, epochs=epochs,
              verbose=2)

    test_words = make_words(100, rng)
    right = sum(spell_backwards(word, encoder, decoder) == word[::-1] for word in test_words)
    for word in test_words[:5]:
        print('%-8s -> %s' % (word, spell_backwards(word, encoder, decoder)))
    print('words spelled backwards exactly: %d / %d' % (right, len(test_words)))
    print('test exact accuracy: %.4f' % (right / len(test_words)))


if __name__ == '__main__':
    main()
