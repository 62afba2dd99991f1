"""Per-parameter adaptive rates: RMSprop, Adagrad, Adadelta (Keras 2.2.4)."""
from .. import backend as K
from .base import Optimizer, pop_learning_rate


class RMSprop(Optimizer):
    """RMSProp: divide the gradient by a running root mean square of recent gradients.

    Args:
        learning_rate: float >= 0 (default 0.001); `lr=` is an alias.
        rho: decay of the running average (default 0.9).
        epsilon: fuzz factor (default K.epsilon()), added outside the square root.
        decay: learning-rate decay over each update (default 0):
            lr / (1 + decay * iterations).

    Example:
        >>> model = Sequential([Dense(1, input_dim=3)])
        >>> optimizer = RMSprop(learning_rate=0.001, rho=0.9)
        >>> model.compile(optimizer, loss='mse')
    """

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=None, decay=0., **kwargs):
        learning_rate = pop_learning_rate(learning_rate, kwargs)
        super().__init__(**kwargs)
        self._start(decay)
        self.learning_rate = self._hyper('lr', learning_rate)
        self.rho = self._hyper('rho', rho)
        self.epsilon = K.epsilon() if epsilon is None else epsilon

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        accumulators = self._zeros_like_params(params)
        self.weights = accumulators
        self.updates = [K.update_add(self.iterations, 1)]
        lr = self._decayed_lr()
        for p, g, a in zip(params, grads, accumulators):
            new_a = self.rho * a + (1. - self.rho) * K.square(g)
            self.updates.append(K.update(a, new_a))
            new_p = p - lr * g / (K.sqrt(new_a) + self.epsilon)
            self.updates.append(self._step(p, new_p))
        return self.updates

    def get_config(self):
        return self._config_of('rho', 'decay', 'epsilon')


class Adagrad(Optimizer):
    """Adagrad: per-parameter rates scaled by the accumulated squared gradients.

    Args:
        learning_rate: float >= 0 (default 0.01); `lr=` is an alias.
        epsilon: fuzz factor (default K.epsilon()), added outside the square root.
        decay: learning-rate decay over each update (default 0):
            lr / (1 + decay * iterations).

    Example:
        >>> model = Sequential([Dense(1, input_dim=3)])
        >>> optimizer = Adagrad(lr=0.01)
        >>> model.compile(optimizer, loss='mse')
    """

    def __init__(self, learning_rate=0.01, epsilon=None, decay=0., **kwargs):
        learning_rate = pop_learning_rate(learning_rate, kwargs)
        super().__init__(**kwargs)
        self._start(decay)
        self.learning_rate = self._hyper('lr', learning_rate)
        self.epsilon = K.epsilon() if epsilon is None else epsilon

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        accumulators = self._zeros_like_params(params)
        self.weights = accumulators
        self.updates = [K.update_add(self.iterations, 1)]
        lr = self._decayed_lr()
        for p, g, a in zip(params, grads, accumulators):
            new_a = a + K.square(g)
            self.updates.append(K.update(a, new_a))
            new_p = p - lr * g / (K.sqrt(new_a) + self.epsilon)
            self.updates.append(self._step(p, new_p))
        return self.updates

    def get_config(self):
        return self._config_of('decay', 'epsilon')


class Adadelta(Optimizer):
    """Adadelta: steps scaled by running averages of squared gradients and squared updates.

    Args:
        learning_rate: float >= 0 (default 1.0); `lr=` is an alias.
        rho: decay of the running averages (default 0.95).
        epsilon: fuzz factor (default K.epsilon()), inside the square roots.
        decay: learning-rate decay over each update (default 0):
            lr / (1 + decay * iterations).

    Example:
        >>> model = Sequential([Dense(1, input_dim=3)])
        >>> optimizer = Adadelta()
        >>> model.compile(optimizer, loss='mse')
    """

    def __init__(self, learning_rate=1.0, rho=0.95, epsilon=None, decay=0., **kwargs):
        learning_rate = pop_learning_rate(learning_rate, kwargs)
        super().__init__(**kwargs)
        self._start(decay)
        self.learning_rate = self._hyper('lr', learning_rate)
        self.rho = rho
        self.epsilon = K.epsilon() if epsilon is None else epsilon

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        accumulators = self._zeros_like_params(params)
        delta_accumulators = self._zeros_like_params(params)
        self.weights = accumulators + delta_accumulators
        self.updates = [K.update_add(self.iterations, 1)]
        lr = self._decayed_lr()
        for p, g, a, d_a in zip(params, grads, accumulators, delta_accumulators):
            new_a = self.rho * a + (1. - self.rho) * K.square(g)
            self.updates.append(K.update(a, new_a))
            step = g * K.sqrt(d_a + self.epsilon) / K.sqrt(new_a + self.epsilon)
            self.updates.append(self._step(p, p - lr * step))
            new_d_a = self.rho * d_a + (1. - self.rho) * K.square(step)
            self.updates.append(K.update(d_a, new_d_a))
        return self.updates

    def get_config(self):
        return self._config_of('rho', 'decay', 'epsilon')
