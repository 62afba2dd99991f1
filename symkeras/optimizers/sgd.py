"""SGD with momentum, Nesterov momentum and time decay (Keras 2.2.4)."""
from .. import backend as K
from .base import Optimizer, pop_learning_rate


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, Nesterov momentum and decay.

    Args:
        learning_rate: float >= 0 (default 0.01); `lr=` is an alias.
        momentum: float >= 0 (default 0).
        decay: learning-rate decay over each update (default 0).
        nesterov: use Nesterov momentum.

    Example:
        >>> model = Sequential([Dense(1, input_dim=3)])
        >>> optimizer = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
        >>> model.compile(optimizer, loss='mse')
    """

    def __init__(self, learning_rate=0.01, momentum=0., decay=0., nesterov=False, **kwargs):
        learning_rate = pop_learning_rate(learning_rate, kwargs)
        super().__init__(**kwargs)
        self._start(decay)
        self.learning_rate = self._hyper('lr', learning_rate)
        self.momentum = self._hyper('momentum', momentum)
        self.nesterov = nesterov

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        self.updates = [K.update_add(self.iterations, 1)]
        lr = self._decayed_lr()
        moments = self._zeros_like_params(params)
        self.weights = [self.iterations] + moments
        for p, g, m in zip(params, grads, moments):
            velocity = self.momentum * m - lr * g
            self.updates.append(K.update(m, velocity))
            if self.nesterov:
                new_p = p + self.momentum * velocity - lr * g
            else:
                new_p = p + velocity
            self.updates.append(self._step(p, new_p))
        return self.updates

    def get_config(self):
        return self._config_of('momentum', 'decay', 'nesterov')
