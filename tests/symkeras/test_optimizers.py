"""Optimizers: three steps of each update rule against Keras 2.2.4's rule written in numpy,
plus arguments, config, clipping, constraints and lookup by name."""
import json

import numpy as np
import pytest

from symkeras import backend as K
from symkeras import optimizers, constraints
from symkeras.optimizers import SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam

EPS = 1e-7
W0 = np.array([1.0, -2.0, 0.5])
SCALE = np.array([1.0, 3.0, 0.5])
SHIFT = np.array([0.2, -0.1, 0.3])


@pytest.fixture(autouse=True)
def float64():
    K.clear_session()
    previous = K.floatx()
    K.set_floatx('float64')
    yield
    K.set_floatx(previous)


def gradient(w):
    """Gradient of the quadratic loss sum(0.5 * SCALE * w**2 + SHIFT * w)."""
    return SCALE * w + SHIFT


def run_steps(optimizer, steps=5):
    """Values of the parameter after each of `steps` compiled update steps."""
    w = K.variable(W0.copy(), name='w')
    loss = K.sum(0.5 * K.constant(SCALE) * K.square(w) + K.constant(SHIFT) * w)
    step = K.function([], [loss], updates=optimizer.get_updates(loss, [w]))
    values = []
    for _ in range(steps):
        step([])
        values.append(K.get_value(w).copy())
    return values


# ---------------------------------------------------------------- numpy update rules
def sgd_ref(lr=0.01, momentum=0., decay=0., nesterov=False, steps=5):
    w, m, out = W0.copy(), np.zeros(3), []
    for it in range(steps):
        g = gradient(w)
        lr_t = lr / (1. + decay * it)
        v = momentum * m - lr_t * g
        m = v
        w = w + momentum * v - lr_t * g if nesterov else w + v
        out.append(w)
    return out


def rmsprop_ref(lr=0.001, rho=0.9, eps=EPS, decay=0., steps=5):
    w, a, out = W0.copy(), np.zeros(3), []
    for it in range(steps):
        g = gradient(w)
        a = rho * a + (1 - rho) * g ** 2
        w = w - lr / (1. + decay * it) * g / (np.sqrt(a) + eps)
        out.append(w)
    return out


def adagrad_ref(lr=0.01, eps=EPS, steps=5):
    w, a, out = W0.copy(), np.zeros(3), []
    for _ in range(steps):
        g = gradient(w)
        a = a + g ** 2
        w = w - lr * g / (np.sqrt(a) + eps)
        out.append(w)
    return out


def adadelta_ref(lr=1.0, rho=0.95, eps=EPS, steps=5):
    w, a, d, out = W0.copy(), np.zeros(3), np.zeros(3), []
    for _ in range(steps):
        g = gradient(w)
        a = rho * a + (1 - rho) * g ** 2
        update = g * np.sqrt(d + eps) / np.sqrt(a + eps)
        w = w - lr * update
        d = rho * d + (1 - rho) * update ** 2
        out.append(w)
    return out


def adam_ref(lr=0.001, beta_1=0.9, beta_2=0.999, eps=EPS, amsgrad=False, steps=5):
    w, m, v, vhat, out = W0.copy(), np.zeros(3), np.zeros(3), np.zeros(3), []
    for it in range(steps):
        g, t = gradient(w), it + 1
        lr_t = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g ** 2
        vhat = np.maximum(vhat, v)
        w = w - lr_t * m / (np.sqrt(vhat if amsgrad else v) + eps)
        out.append(w)
    return out


def adamax_ref(lr=0.002, beta_1=0.9, beta_2=0.999, eps=EPS, steps=5):
    w, m, u, out = W0.copy(), np.zeros(3), np.zeros(3), []
    for it in range(steps):
        g, t = gradient(w), it + 1
        m = beta_1 * m + (1 - beta_1) * g
        u = np.maximum(beta_2 * u, np.abs(g))
        w = w - lr / (1 - beta_1 ** t) * m / (u + eps)
        out.append(w)
    return out


def nadam_ref(lr=0.002, beta_1=0.9, beta_2=0.999, eps=EPS, schedule_decay=0.004, steps=5):
    w, m, v, schedule, out = W0.copy(), np.zeros(3), np.zeros(3), 1., []
    for it in range(steps):
        g, t = gradient(w), it + 1
        cache_t = beta_1 * (1 - 0.5 * 0.96 ** (t * schedule_decay))
        cache_next = beta_1 * (1 - 0.5 * 0.96 ** ((t + 1) * schedule_decay))
        schedule_new = schedule * cache_t
        schedule_next = schedule * cache_t * cache_next
        schedule = schedule_new
        g_prime = g / (1 - schedule_new)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g ** 2
        m_bar = (1 - cache_t) * g_prime + cache_next * m / (1 - schedule_next)
        w = w - lr * m_bar / (np.sqrt(v / (1 - beta_2 ** t)) + eps)
        out.append(w)
    return out


RULES = [
    (SGD, {}, sgd_ref, {}),
    (SGD, {'lr': 0.1, 'momentum': 0.9}, sgd_ref, {'lr': 0.1, 'momentum': 0.9}),
    (SGD, {'learning_rate': 0.1, 'momentum': 0.5, 'nesterov': True, 'decay': 0.1}, sgd_ref,
     {'lr': 0.1, 'momentum': 0.5, 'nesterov': True, 'decay': 0.1}),
    (RMSprop, {}, rmsprop_ref, {}),
    (RMSprop, {'lr': 0.01, 'rho': 0.5, 'decay': 0.2}, rmsprop_ref,
     {'lr': 0.01, 'rho': 0.5, 'decay': 0.2}),
    (Adagrad, {}, adagrad_ref, {}),
    (Adagrad, {'learning_rate': 0.1, 'epsilon': 1e-3}, adagrad_ref, {'lr': 0.1, 'eps': 1e-3}),
    (Adadelta, {}, adadelta_ref, {}),
    (Adadelta, {'lr': 0.5, 'rho': 0.8}, adadelta_ref, {'lr': 0.5, 'rho': 0.8}),
    (Adam, {}, adam_ref, {}),
    (Adam, {'lr': 0.01, 'beta_1': 0.5, 'amsgrad': True}, adam_ref,
     {'lr': 0.01, 'beta_1': 0.5, 'amsgrad': True}),
    (Adamax, {}, adamax_ref, {}),
    (Nadam, {}, nadam_ref, {}),
    (Nadam, {'learning_rate': 0.01, 'schedule_decay': 0.1}, nadam_ref,
     {'lr': 0.01, 'schedule_decay': 0.1}),
]


@pytest.mark.parametrize('cls, kwargs, reference, ref_kwargs', RULES,
                         ids=[f'{r[0].__name__}-{i}' for i, r in enumerate(RULES)])
def test_five_steps_match_keras_rule(cls, kwargs, reference, ref_kwargs):
    got = run_steps(cls(**kwargs))
    for step, (actual, expected) in enumerate(zip(got, reference(**ref_kwargs))):
        np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-12,
                                   err_msg=f'step {step + 1}')


@pytest.mark.parametrize('cls, defaults', [
    (SGD, {'lr': 0.01, 'momentum': 0., 'decay': 0., 'nesterov': False}),
    (RMSprop, {'lr': 0.001, 'rho': 0.9, 'decay': 0., 'epsilon': EPS}),
    (Adagrad, {'lr': 0.01, 'decay': 0., 'epsilon': EPS}),
    (Adadelta, {'lr': 1.0, 'rho': 0.95, 'decay': 0., 'epsilon': EPS}),
    (Adam, {'lr': 0.001, 'beta_1': 0.9, 'beta_2': 0.999, 'decay': 0., 'epsilon': EPS,
            'amsgrad': False}),
    (Adamax, {'lr': 0.002, 'beta_1': 0.9, 'beta_2': 0.999, 'decay': 0., 'epsilon': EPS}),
    (Nadam, {'lr': 0.002, 'beta_1': 0.9, 'beta_2': 0.999, 'epsilon': EPS,
             'schedule_decay': 0.004}),
])
def test_defaults_and_config(cls, defaults):
    config = cls().get_config()
    expected = dict(defaults, learning_rate=defaults['lr'])
    assert config.keys() == expected.keys()
    for key, value in expected.items():
        assert config[key] == pytest.approx(value), key
    clone = cls.from_config(json.loads(json.dumps(config)))
    assert clone.get_config() == config


def test_lr_and_learning_rate_are_one_variable():
    opt = SGD(lr=0.5)
    assert opt.lr is opt.learning_rate
    assert K.is_tensor(opt.lr)
    assert K.get_value(opt.learning_rate) == pytest.approx(0.5)
    K.set_value(opt.lr, 0.25)
    assert opt.get_config()['learning_rate'] == pytest.approx(0.25)
    assert K.get_value(Adam(learning_rate=0.3).lr) == pytest.approx(0.3)


def test_positional_learning_rate():
    assert K.get_value(SGD(0.2).lr) == pytest.approx(0.2)


def test_unexpected_keyword_is_type_error():
    with pytest.raises(TypeError, match='momentumm'):
        SGD(momentumm=0.9)


def test_weights_follow_keras_layout():
    w = K.variable(W0.copy())
    loss = K.sum(K.square(w))
    counts = {SGD: 2, RMSprop: 1, Adagrad: 1, Adadelta: 2, Adam: 4, Adamax: 3, Nadam: 3}
    for cls, count in counts.items():
        opt = cls()
        opt.get_updates(loss, [w])
        assert len(opt.weights) == count, cls.__name__
        assert len(opt.get_weights()) == count


def test_set_weights_checks_count_and_shapes():
    opt = SGD(momentum=0.9)
    w = K.variable(W0.copy())
    opt.get_updates(K.sum(K.square(w)), [w])
    opt.set_weights([np.array(4), np.ones(3)])
    assert K.get_value(opt.iterations) == 4
    with pytest.raises(ValueError, match='expected 2 arrays'):
        opt.set_weights([np.ones(3)])
    with pytest.raises(ValueError, match=r'shape \(3,\)'):
        opt.set_weights([np.array(0), np.ones(4)])


def test_updates_are_variable_value_pairs():
    w = K.variable(W0.copy())
    updates = Adam().get_updates(K.sum(K.square(w)), [w])
    assert all(isinstance(u, tuple) and len(u) == 2 for u in updates)
    assert any(u[0] is w for u in updates)


def test_clipvalue_and_clipnorm():
    opt = SGD(lr=1., clipvalue=0.1)
    values = run_steps(opt, steps=1)
    np.testing.assert_allclose(values[0], W0 - np.clip(gradient(W0), -0.1, 0.1))
    assert opt.get_config()['clipvalue'] == 0.1
    values = run_steps(SGD(lr=1., clipnorm=0.5), steps=1)
    g = gradient(W0)
    np.testing.assert_allclose(values[0], W0 - g * 0.5 / np.linalg.norm(g))
    values = run_steps(SGD(lr=1., clipnorm=100.), steps=1)
    np.testing.assert_allclose(values[0], W0 - g)


def test_constraint_is_applied_after_update():
    w = K.variable(W0.copy(), constraint=constraints.NonNeg())
    loss = K.sum(K.square(w))
    step = K.function([], [loss], updates=SGD(lr=0.1).get_updates(loss, [w]))
    step([])
    np.testing.assert_allclose(K.get_value(w), np.maximum(W0 * 0.8, 0))


@pytest.mark.parametrize('name, cls', [('sgd', SGD), ('rmsprop', RMSprop),
                                       ('adagrad', Adagrad), ('adadelta', Adadelta),
                                       ('adam', Adam), ('adamax', Adamax), ('nadam', Nadam),
                                       ('Adam', Adam), ('SGD', SGD)])
def test_get_by_name(name, cls):
    assert type(optimizers.get(name)) is cls


def test_get_instance_and_serialize_round_trip():
    opt = Adam(lr=0.05, amsgrad=True)
    assert optimizers.get(opt) is opt
    config = optimizers.serialize(opt)
    assert config['class_name'] == 'Adam'
    clone = optimizers.deserialize(json.loads(json.dumps(config)))
    assert type(clone) is Adam and clone.amsgrad
    assert K.get_value(clone.lr) == pytest.approx(0.05)


def test_unknown_optimizer_lists_choices():
    with pytest.raises(ValueError) as info:
        optimizers.get('adamw')
    assert 'adamw' in str(info.value)
    for name in ('sgd', 'rmsprop', 'adagrad', 'adadelta', 'adam', 'adamax', 'nadam'):
        assert name in str(info.value)
    with pytest.raises(ValueError):
        optimizers.get(42)


def test_float32_training_step_runs():
    K.set_floatx('float32')
    w = K.variable(np.ones(3, dtype='float32'))
    loss = K.sum(K.square(w))
    for cls in (SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam):
        step = K.function([], [loss], updates=cls().get_updates(loss, [w]))
        step([])
    assert K.get_value(w).dtype == np.float32
    assert (K.get_value(w) < 1).all()
