"""The Adam family: Adam (and AMSGrad), Adamax, Nadam (Keras 2.2.4)."""
from .. import backend as K
from .base import Optimizer, pop_learning_rate


class Adam(Optimizer):
    """Adam (Kingma & Ba), optionally AMSGrad.

    Args:
        learning_rate: float >= 0 (default 0.001); `lr=` is an alias.
        beta_1: decay rate of the first moment estimate (default 0.9).
        beta_2: decay rate of the second moment estimate (default 0.999).
        epsilon: fuzz factor (default K.epsilon()), added outside the square root.
        decay: learning-rate decay over each update (default 0):
            lr / (1 + decay * iterations).
        amsgrad: use the maximum of past second moments (AMSGrad).

    Example:
        >>> model = Sequential([Dense(1, input_dim=3)])
        >>> optimizer = Adam(learning_rate=3e-4, amsgrad=True)
        >>> model.compile(optimizer, loss='mse')
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=None,
                 decay=0., amsgrad=False, **kwargs):
        learning_rate = pop_learning_rate(learning_rate, kwargs)
        super().__init__(**kwargs)
        self._start(decay)
        self.learning_rate = self._hyper('lr', learning_rate)
        self.beta_1 = self._hyper('beta_1', beta_1)
        self.beta_2 = self._hyper('beta_2', beta_2)
        self.epsilon = K.epsilon() if epsilon is None else epsilon
        self.amsgrad = amsgrad

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        self.updates = [K.update_add(self.iterations, 1)]
        lr = self._decayed_lr()
        t = K.cast(self.iterations, K.floatx()) + 1
        lr_t = lr * (K.sqrt(1. - K.pow(self.beta_2, t)) / (1. - K.pow(self.beta_1, t)))
        ms = self._zeros_like_params(params)
        vs = self._zeros_like_params(params)
        if self.amsgrad:
            vhats = self._zeros_like_params(params)
        else:
            vhats = [K.zeros(1) for _ in params]
        self.weights = [self.iterations] + ms + vs + vhats
        for p, g, m, v, vhat in zip(params, grads, ms, vs, vhats):
            m_t = self.beta_1 * m + (1. - self.beta_1) * g
            v_t = self.beta_2 * v + (1. - self.beta_2) * K.square(g)
            if self.amsgrad:
                vhat_t = K.maximum(vhat, v_t)
                new_p = p - lr_t * m_t / (K.sqrt(vhat_t) + self.epsilon)
                self.updates.append(K.update(vhat, vhat_t))
            else:
                new_p = p - lr_t * m_t / (K.sqrt(v_t) + self.epsilon)
            self.updates.append(K.update(m, m_t))
            self.updates.append(K.update(v, v_t))
            self.updates.append(self._step(p, new_p))
        return self.updates

    def get_config(self):
        return self._config_of('beta_1', 'beta_2', 'decay', 'epsilon', 'amsgrad')


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm (Kingma & Ba, section 7).

    Args:
        learning_rate: float >= 0 (default 0.002); `lr=` is an alias.
        beta_1: decay rate of the first moment estimate (default 0.9).
        beta_2: decay rate of the second moment estimate (default 0.999).
        epsilon: fuzz factor (default K.epsilon()).
        decay: learning-rate decay over each update (default 0):
            lr / (1 + decay * iterations).

    Example:
        >>> model = Sequential([Dense(1, input_dim=3)])
        >>> optimizer = Adamax()
        >>> model.compile(optimizer, loss='mse')
    """

    def __init__(self, learning_rate=0.002, beta_1=0.9, beta_2=0.999, epsilon=None,
                 decay=0., **kwargs):
        learning_rate = pop_learning_rate(learning_rate, kwargs)
        super().__init__(**kwargs)
        self._start(decay)
        self.learning_rate = self._hyper('lr', learning_rate)
        self.beta_1 = self._hyper('beta_1', beta_1)
        self.beta_2 = self._hyper('beta_2', beta_2)
        self.epsilon = K.epsilon() if epsilon is None else epsilon

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        self.updates = [K.update_add(self.iterations, 1)]
        lr = self._decayed_lr()
        t = K.cast(self.iterations, K.floatx()) + 1
        lr_t = lr / (1. - K.pow(self.beta_1, t))
        ms = self._zeros_like_params(params)
        us = self._zeros_like_params(params)
        self.weights = [self.iterations] + ms + us
        for p, g, m, u in zip(params, grads, ms, us):
            m_t = self.beta_1 * m + (1. - self.beta_1) * g
            u_t = K.maximum(self.beta_2 * u, K.abs(g))
            new_p = p - lr_t * m_t / (u_t + self.epsilon)
            self.updates.append(K.update(m, m_t))
            self.updates.append(K.update(u, u_t))
            self.updates.append(self._step(p, new_p))
        return self.updates

    def get_config(self):
        return self._config_of('beta_1', 'beta_2', 'decay', 'epsilon')


class Nadam(Optimizer):
    """Nesterov Adam (Dozat, 2015).

    Args:
        learning_rate: float >= 0 (default 0.002); `lr=` is an alias.
        beta_1: decay rate of the first moment estimate (default 0.9).
        beta_2: decay rate of the second moment estimate (default 0.999).
        epsilon: fuzz factor (default K.epsilon()), added outside the square root.
        schedule_decay: decay of the momentum schedule (default 0.004).

    Example:
        >>> model = Sequential([Dense(1, input_dim=3)])
        >>> optimizer = Nadam(learning_rate=0.002)
        >>> model.compile(optimizer, loss='mse')
    """

    def __init__(self, learning_rate=0.002, beta_1=0.9, beta_2=0.999, epsilon=None,
                 schedule_decay=0.004, **kwargs):
        learning_rate = pop_learning_rate(learning_rate, kwargs)
        super().__init__(**kwargs)
        self.iterations = K.variable(0, dtype='int64', name='iterations')
        self.m_schedule = self._hyper('m_schedule', 1.)
        self.learning_rate = self._hyper('lr', learning_rate)
        self.beta_1 = self._hyper('beta_1', beta_1)
        self.beta_2 = self._hyper('beta_2', beta_2)
        self.epsilon = K.epsilon() if epsilon is None else epsilon
        self.schedule_decay = schedule_decay

    def _momentum_cache(self, t):
        return self.beta_1 * (1. - 0.5 * K.pow(0.96, t * self.schedule_decay))

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        self.updates = [K.update_add(self.iterations, 1)]
        t = K.cast(self.iterations, K.floatx()) + 1
        cache_t, cache_next = self._momentum_cache(t), self._momentum_cache(t + 1)
        m_schedule_new = self.m_schedule * cache_t
        m_schedule_next = self.m_schedule * cache_t * cache_next
        self.updates.append(K.update(self.m_schedule, m_schedule_new))
        ms = self._zeros_like_params(params)
        vs = self._zeros_like_params(params)
        self.weights = [self.iterations] + ms + vs
        for p, g, m, v in zip(params, grads, ms, vs):
            g_prime = g / (1. - m_schedule_new)
            m_t = self.beta_1 * m + (1. - self.beta_1) * g
            m_t_prime = m_t / (1. - m_schedule_next)
            v_t = self.beta_2 * v + (1. - self.beta_2) * K.square(g)
            v_t_prime = v_t / (1. - K.pow(self.beta_2, t))
            m_t_bar = (1. - cache_t) * g_prime + cache_next * m_t_prime
            self.updates.append(K.update(m, m_t))
            self.updates.append(K.update(v, v_t))
            new_p = p - self.learning_rate * m_t_bar / (K.sqrt(v_t_prime) + self.epsilon)
            self.updates.append(self._step(p, new_p))
        return self.updates

    def get_config(self):
        return self._config_of('beta_1', 'beta_2', 'epsilon', 'schedule_decay')
