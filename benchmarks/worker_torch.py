"""PyTorch CPU eager worker: the benchmark rows as a PyTorch user would write them.

Layout is PyTorch's own NCHW (images are transposed once, outside the timed steps); the
loss is `F.cross_entropy` on logits with one-hot targets (log-softmax + crossentropy, the
same arithmetic as softmax + categorical crossentropy); SGD without momentum.
"""
import common

common.setup_threads()


def probe():
    """Import torch (ImportError: not installed)."""
    import torch  # noqa: F401


def _versions():
    import numpy
    import torch
    return {'torch': torch.__version__, 'numpy': numpy.__version__}


def _setup():
    import torch
    torch.set_num_threads(common.THREADS)
    torch.manual_seed(common.SEED)
    return torch


def cnn_model(torch):
    """The seed CNN in NCHW: three conv 3x3 same + relu + maxpool 2x2, dense, softmax."""
    nn = torch.nn
    layers, channels = [], 1
    for filters in common.CNN_FILTERS:
        layers += [nn.Conv2d(channels, filters, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        channels = filters
    layers += [nn.Flatten(), nn.Linear(channels * 3 * 3, common.CNN_DENSE), nn.ReLU(),
               nn.Dropout(common.CNN_DROPOUT), nn.Linear(common.CNN_DENSE, common.NUM_CLASSES)]
    return nn.Sequential(*layers)


def mlp_model(torch, row):
    """Dense relu layers of MLP_UNITS[row] from 784 inputs, then 10 logits."""
    nn = torch.nn
    layers, width = [], 784
    for units in common.MLP_UNITS[row]:
        layers += [nn.Linear(width, units), nn.ReLU()]
        width = units
    layers.append(nn.Linear(width, common.NUM_CLASSES))
    return nn.Sequential(*layers)


def _tensors(torch, row):
    x, y = common.make_data(row)
    if x.ndim == 4:
        x = x.transpose(0, 3, 1, 2).copy()
    return torch.from_numpy(x), torch.from_numpy(y)


def _train_step(torch, model):
    optimizer = torch.optim.SGD(model.parameters(), lr=common.LEARNING_RATE)
    functional = torch.nn.functional

    def step(x, y):
        optimizer.zero_grad()
        loss = functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()
    return step


def train_row(args):
    """Median training step of the row's model."""
    torch = _setup()
    model = cnn_model(torch) if args.row == 'cnn_train' else mlp_model(torch, args.row)
    model.train()
    step = _train_step(torch, model)
    x, y = _tensors(torch, args.row)
    times = common.time_steps(lambda: step(x, y), args.steps, args.warmup)
    return common.step_result(args.row, times), _versions()


def infer_row(args):
    """Median inference call (softmax probabilities as a numpy array) of the seed CNN."""
    torch = _setup()
    model = cnn_model(torch).eval()
    x, _ = _tensors(torch, args.row)

    def predict():
        with torch.inference_mode():
            return torch.softmax(model(x), dim=1).numpy()
    times = common.time_steps(predict, args.steps, args.warmup)
    return common.step_result(args.row, times), _versions()


ROWS = {'cnn_train': train_row, 'mlp512_train': train_row, 'mlp32_train': train_row,
        'cnn_infer128': infer_row, 'cnn_infer1': infer_row}

if __name__ == '__main__':
    common.run_worker('torch', ROWS, probe)
