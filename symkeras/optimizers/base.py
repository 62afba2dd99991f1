"""The Optimizer base class: gradients (with clipping), state weights, config."""
import numpy as np

from .. import backend as K


def pop_learning_rate(learning_rate, kwargs):
    """`lr=` (the Keras 2.2.4 name) wins over `learning_rate=` when given."""
    lr = kwargs.pop('lr', None)
    return learning_rate if lr is None else lr


def _scalar(variable):
    """The value of a scalar variable as a Python float."""
    return float(np.asarray(K.get_value(variable)).item())


def clip_norm(g, clipnorm, norm):
    """g rescaled to norm `clipnorm` when the global `norm` exceeds it.

    Args:
        g: a gradient tensor.
        clipnorm: the largest norm allowed (<= 0: no clipping).
        norm: the global L2 norm of all gradients (a scalar tensor).

    Returns:
        `g` or `g * clipnorm / norm`.
    """
    if clipnorm <= 0:
        return g
    return K.switch(K.greater_equal(norm, clipnorm), g * clipnorm / norm, g)


class Optimizer:
    """Base class of the optimizers.

    A subclass creates its hyperparameters as variables in `__init__` and implements
    `get_updates(loss, params)`, which emits the whole update step into the graph as
    (variable, new value) pairs: one compiled function then runs one training step.

    Args:
        clipnorm: clip gradients when their global L2 norm exceeds this value.
        clipvalue: clip each gradient entry to [-clipvalue, clipvalue].
    """

    def __init__(self, **kwargs):
        for key in kwargs:
            if key not in ('clipnorm', 'clipvalue'):
                raise TypeError('%s: unexpected keyword argument %r (valid: learning_rate, '
                                'lr, clipnorm, clipvalue and the optimizer\'s own '
                                'arguments)' % (type(self).__name__, key))
        self.__dict__.update(kwargs)
        self.updates = []
        self.weights = []

    @property
    def lr(self):
        """The learning-rate variable (same object as `learning_rate`)."""
        return self.learning_rate

    @lr.setter
    def lr(self, value):
        self.learning_rate = value

    def get_updates(self, loss, params):
        """The list of (variable, new value) pairs of one training step.

        Args:
            loss: scalar loss tensor.
            params: list of the variables to train.

        Returns:
            List of (variable, new value tensor) pairs, the optimizer's state included.
        """
        raise NotImplementedError

    def get_gradients(self, loss, params):
        """Gradients of `loss` w.r.t. `params`, clipped by clipnorm / clipvalue.

        Args:
            loss: scalar loss tensor.
            params: list of variables.

        Returns:
            List of gradient tensors, one per variable.

        Raises:
            ValueError: the loss does not depend differentiably on a variable.
        """
        grads = K.gradients(loss, params)
        for param, grad in zip(params, grads):
            if grad is None:
                raise ValueError('%s: the loss has no gradient with respect to %s (an '
                                 'operation without a gradient lies between them)'
                                 % (type(self).__name__, getattr(param, 'name', param)))
        if getattr(self, 'clipnorm', 0) > 0:
            norm = K.sqrt(sum(K.sum(K.square(g)) for g in grads))
            grads = [clip_norm(g, self.clipnorm, norm) for g in grads]
        if getattr(self, 'clipvalue', 0) > 0:
            grads = [K.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def set_weights(self, weights):
        """Set the optimizer state (e.g. moments) from numpy arrays, in `weights` order.

        Raises:
            ValueError: wrong number of arrays or a wrong shape.
        """
        if len(weights) != len(self.weights):
            raise ValueError('%s: set_weights expected %d arrays (the optimizer\'s weights), '
                             'received %d' % (type(self).__name__, len(self.weights),
                                              len(weights)))
        pairs = []
        for variable, value in zip(self.weights, weights):
            expected = tuple(K.int_shape(variable))
            value = np.asarray(value)
            if expected == () and value.size == 1:
                value = value.reshape(())
            if expected != value.shape:
                raise ValueError('%s: optimizer weight %s has shape %s, received an array of '
                                 'shape %s' % (type(self).__name__, variable.name,
                                               tuple(expected), np.shape(value)))
            pairs.append((variable, value))
        K.batch_set_value(pairs)

    def get_weights(self):
        """The optimizer state as numpy arrays (empty before the first training step).

        Returns:
            List of numpy arrays, in the order `set_weights` takes them.
        """
        return K.batch_get_value(self.weights)

    def get_config(self):
        """Constructor arguments; the learning rate appears as 'lr' and 'learning_rate'."""
        config = {}
        for key in ('clipnorm', 'clipvalue'):
            if hasattr(self, key):
                config[key] = getattr(self, key)
        return config

    @classmethod
    def from_config(cls, config):
        """Rebuild from `get_config()` output."""
        return cls(**config)

    # ------------------------------------------------------------ helpers of subclasses
    def _hyper(self, name, value):
        """A float variable holding the hyperparameter `name`."""
        return K.variable(value, name=name)

    def _config_of(self, *names):
        """get_config of the base plus the current values of `names`."""
        config = {'lr': _scalar(self.learning_rate)}
        config['learning_rate'] = config['lr']
        for name in names:
            value = getattr(self, name)
            config[name] = _scalar(value) if K.is_tensor(value) else value
        config.update(Optimizer.get_config(self))
        return config

    def _decayed_lr(self):
        """The learning rate with time decay lr / (1 + decay * iterations), if any."""
        lr = self.learning_rate
        if self.initial_decay > 0:
            lr = lr * (1. / (1. + self.decay * K.cast(self.iterations, K.dtype(self.decay))))
        return lr

    def _start(self, decay):
        """Create the iteration counter and the decay variable."""
        self.iterations = K.variable(0, dtype='int64', name='iterations')
        self.decay = self._hyper('decay', decay)
        self.initial_decay = decay

    @staticmethod
    def _zeros_like_params(params):
        return [K.zeros(K.int_shape(p), dtype=K.dtype(p)) for p in params]

    @staticmethod
    def _step(param, new_param):
        """The update of `param`, through its constraint if it has one."""
        constraint = getattr(param, 'constraint', None)
        if constraint is not None:
            new_param = constraint(new_param)
        return K.update(param, new_param)
