"""Model: a Network that can be compiled, trained, evaluated and used for prediction."""
import warnings

from .. import backend as K
from . import training_loops
from .model_io import ModelIOMixin
from .training_generator import GeneratorMethods
from .network import Network
from .network_state import check_stateful_batches
from .training_checks import (check_fit_arguments, check_int, check_not_empty,
                              check_sparse_labels, check_split_sizes, check_validation_data)
from .training_compile import compile_graph
from .training_utils import (standardize_input_data, standardize_per_output,
                             standardize_weights, check_array_length_consistency,
                             check_loss_and_target_compatibility, check_shapes,
                             slice_arrays, num_samples, to_scalar, plain_arrays,
                             ones_weights)
from .utils import unpack_singleton
from ..legacy import legacy_support

_NOT_COMPILED = ('You must compile a model before training/testing. Use '
                 '`model.compile(optimizer, loss)`.')


def _feed_target_shape(output_shape, loss_fn):
    """Shape the target array must have: (..., 1) for sparse labels, None if unknown."""
    from .. import losses
    name = getattr(loss_fn, '__name__', None)
    if name == 'sparse_categorical_crossentropy':
        return tuple(output_shape[:-1]) + (1,)
    if name is None or getattr(losses, name, None) is None:
        return None  # a user-defined loss: no assumption about its targets
    return output_shape


def _phase_givens(value):
    """{learning phase: value}, or {} when the phase was fixed by K.set_learning_phase."""
    phase = K.learning_phase()
    return {phase: value} if K.is_tensor(phase) else {}


class Model(GeneratorMethods, ModelIOMixin, Network):
    """The functional model: `Model(inputs, outputs)` plus compile/fit/evaluate/predict.

    Example:
        >>> x = Input(shape=(784,))
        >>> y = Dense(10, activation='softmax')(Dense(32)(x))
        >>> model = Model(x, y)
        >>> model.compile('sgd', 'categorical_crossentropy', metrics=['accuracy'])
        >>> x_train = np.random.rand(64, 784).astype('float32')
        >>> y_train = np.eye(10, dtype='float32')[np.random.randint(0, 10, 64)]
        >>> history = model.fit(x_train, y_train, epochs=2, verbose=0)
        >>> len(history.history['loss'])
        2
    """

    def _base_init(self, name):
        Network._base_init(self, name)
        self.optimizer = None
        self.loss = None
        self.metrics = []
        self.metrics_names = []
        self._is_compiled = False
        self.train_function = None
        self.test_function = None
        self.predict_function = None
        self.history = None
        self.stop_training = False
        self._target_tensors = None

    def compile(self, optimizer, loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None,
                **kwargs):
        """Configure the model for training.

        Args:
            optimizer: name ('sgd', 'adam', ...) or optimizer instance.
            loss: name, callable f(y_true, y_pred), or a list/dict with one per output.
            metrics: list of names ('accuracy', 'acc', 'mae', ...) or callables, or a dict
                {output name: list}.
            loss_weights: list or dict of floats weighting the output losses.
            sample_weight_mode: None (per-sample weights).
            weighted_metrics: metrics computed with the sample weights.
            target_tensors: optional tensors used as targets instead of placeholders.
        """
        if kwargs:
            raise TypeError('compile() got unexpected keyword arguments: %s' % sorted(kwargs))
        from .. import optimizers
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self.metrics = metrics or []
        self.loss_weights = loss_weights
        self.sample_weight_mode = sample_weight_mode
        self.weighted_metrics = weighted_metrics
        self._target_tensors = target_tensors
        self._is_compiled = False
        if self.built and self._is_graph_network:  # a Sequential without input shape waits
            compile_graph(self, target_tensors)

    # ------------------------------------------------------------------ functions
    def _check_compiled(self):
        if self.optimizer is None:
            raise RuntimeError(_NOT_COMPILED)
        if not self._is_compiled:
            compile_graph(self, self._target_tensors)

    def _check_trainable_weights_consistency(self):
        """Warn when trainable weights changed since compile (set trainable, then compile)."""
        collected = getattr(self, '_collected_trainable_weights', None)
        if collected is not None and len(self.trainable_weights) != len(collected):
            warnings.warn('Discrepancy between trainable weights and collected trainable '
                          'weights, did you set `model.trainable` without calling '
                          '`model.compile` after?')

    def _make_train_function(self):
        """Compile (once) the function running one optimizer step."""
        self._check_compiled()
        self._check_trainable_weights_consistency()
        if self.train_function is None:
            inputs = self._feed_inputs + self._feed_targets + self._feed_sample_weights
            training_updates = self.optimizer.get_updates(
                loss=self.total_loss, params=self._collected_trainable_weights)
            updates = list(self.updates) + list(training_updates) + self.metrics_updates
            self.train_function = K.function(
                inputs, [self.total_loss] + self.metrics_tensors, updates=updates,
                givens=_phase_givens(1), name='train_function')
        self.train_function.nan_guard = K.get_nan_guard()

    def _make_test_function(self):
        """Compile (once) the function computing loss and metrics without updates."""
        self._check_compiled()
        if self.test_function is None:
            inputs = self._feed_inputs + self._feed_targets + self._feed_sample_weights
            self.test_function = K.function(
                inputs, [self.total_loss] + self.metrics_tensors,
                updates=self.state_updates + self.metrics_updates,
                givens=_phase_givens(0), name='test_function')
        self.test_function.nan_guard = K.get_nan_guard()

    def _make_predict_function(self):
        """Compile (once) the function computing the outputs in test mode."""
        if self.predict_function is None:
            self.predict_function = K.function(
                self._feed_inputs, self.outputs, updates=self.state_updates,
                givens=_phase_givens(0), name='predict_function')
        self.predict_function.nan_guard = K.get_nan_guard()

    # ------------------------------------------------------------------ data
    def _build_from_data(self, x):
        """Hook for models that learn their input shape from data (Sequential)."""
        raise RuntimeError("Model '%s' has no inputs: create it with Model(inputs, outputs)"
                           % self.name)

    def _standardize_inputs(self, x, method):
        """Check the input data of `method` and return it as a list of arrays."""
        if x is None and (not self.built or self._feed_input_names):
            raise TypeError("Model '%s': %s expected input data x (a numpy array, or a list "
                            "or dict of arrays), received None" % (self.name, method))
        if not self.built:
            self._build_from_data(x)
        x = standardize_input_data(x, self._feed_input_names, self._feed_input_shapes,
                                   check_batch_axis=False, exception_prefix='input')
        check_not_empty(x, self._feed_input_names, 'input', method)
        return x

    def _standardize_user_data(self, x, y, sample_weight=None, class_weight=None,
                               method='fit'):
        """Check user data and turn it into lists of arrays (inputs, targets, weights).

        Every check runs before the first training step, so bad data changes nothing.
        """
        if self.optimizer is None:
            raise RuntimeError(_NOT_COMPILED)
        x = self._standardize_inputs(x, method)
        self._check_compiled()
        if y is None and self._feed_targets:
            raise TypeError("Model '%s': %s expected target data y for the outputs %s, "
                            "received None" % (self.name, method, self._feed_output_names))
        target_shapes = self._target_shapes()
        y = standardize_input_data(y, self._feed_output_names, None, exception_prefix='target')
        check_loss_and_target_compatibility(y, self._feed_loss_fns, target_shapes)
        check_shapes(y, self._feed_output_names, target_shapes, exception_prefix='target')
        names = self._feed_output_names
        sample_weights = standardize_per_output(sample_weight, names, 'sample_weight')
        class_weights = ([class_weight] * len(names) if _is_flat_class_weight(class_weight,
                                                                              names)
                         else standardize_per_output(class_weight, names, 'class_weight'))
        weights = [standardize_weights(ref, sw, cw)
                   for ref, sw, cw in zip(y, sample_weights, class_weights)]
        check_array_length_consistency(x, y, weights)
        check_sparse_labels(y, self._feed_loss_fns, self._feed_output_shapes, names)
        return x, y, weights

    # ------------------------------------------------------------------ training
    @legacy_support('fit')
    def fit(self, x=None, y=None, batch_size=32, epochs=1, verbose=1, callbacks=None,
            validation_split=0., validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            **kwargs):
        """Train the model for a number of epochs.

        Args:
            x, y: numpy arrays (lists or {name: array} dicts for several inputs/outputs).
            batch_size: samples per gradient step (the last batch may be short); None
                also means 32 (Keras 2.2.4's default); ignored with steps_per_epoch.
            epochs: index of the last epoch (training runs epochs initial_epoch..epochs-1).
            verbose: 0 silent, 1 progress bar, 2 one line per epoch.
            callbacks: list of Callback instances.
            validation_split: fraction of the data (taken from the end, before shuffling)
                held out for validation.
            validation_data: (x_val, y_val) or (x_val, y_val, sample_weights_val).
            shuffle: shuffle the samples before each epoch (or 'batch').
            class_weight / sample_weight: weighting of the loss per class / per sample.
            initial_epoch: epoch at which to start (to resume training).
            steps_per_epoch / validation_steps: run whole arrays this many times instead.
            nb_epoch: the Keras 1 name of `epochs` (converted with a UserWarning).
            profile: (symkeras) time every kernel of the training step and print the
                per-kernel table, slowest first, after training.

        Returns:
            A History whose `.history` maps 'loss', the metrics and 'val_*' to lists.
        """
        profile = kwargs.pop('profile', False)
        if kwargs:
            raise TypeError('fit() got unexpected keyword arguments: %s' % sorted(kwargs))
        if batch_size is None and steps_per_epoch is None:
            batch_size = 32
        check_fit_arguments(batch_size, epochs, initial_epoch, validation_split,
                            steps_per_epoch, validation_steps, callbacks)
        x, y, weights = self._standardize_user_data(x, y, sample_weight, class_weight)
        val_inputs = self._validation_inputs(validation_data, batch_size)
        if val_inputs is None and validation_split:
            split_at = int(num_samples(x) * (1. - validation_split))
            check_split_sizes(num_samples(x), split_at, validation_split)
            val_inputs = slice_arrays(x + y + weights, split_at)
            x, y, weights = [slice_arrays(a, 0, split_at) for a in (x, y, weights)]
        check_stateful_batches(self, x, batch_size, 'fit',
                               whole=steps_per_epoch is not None)
        if val_inputs is not None:
            check_stateful_batches(self, val_inputs, batch_size,
                                   'fit (validation)', whole=validation_steps is not None)
        self._make_train_function()
        labels = list(self.metrics_names)
        callback_metrics = list(labels)
        if val_inputs is not None:
            self._make_test_function()
            callback_metrics += ['val_' + name for name in labels]
        if profile:
            self.train_function.start_profiling()
        history = training_loops.fit_loop(
            self, self.train_function, x + y + weights, out_labels=labels,
            batch_size=batch_size, epochs=epochs, verbose=verbose, callbacks=callbacks,
            val_function=self.test_function if val_inputs is not None else None,
            val_inputs=val_inputs, shuffle=shuffle, callback_metrics=callback_metrics,
            initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
            validation_steps=validation_steps)
        if profile:
            self.train_function.profile()
        return history

    def _validation_inputs(self, validation_data, batch_size):
        """Standardized validation arrays from (x, y) or (x, y, sample_weight), or None."""
        if validation_data is None or (isinstance(validation_data, (list, tuple))
                                       and not validation_data):
            return None
        check_validation_data(validation_data)
        val_x, val_y = validation_data[0], validation_data[1]
        val_weight = validation_data[2] if len(validation_data) == 3 else None
        val_x, val_y, val_weights = self._standardize_user_data(
            val_x, val_y, val_weight, method='fit (validation_data)')
        return val_x + val_y + val_weights

    # verbose=0 by default because API.md writes `evaluate(x, y, batch_size=32,
    # verbose=0)`; Keras 2.2.4's default is verbose=1 (a progress bar).
    def evaluate(self, x=None, y=None, batch_size=32, verbose=0, sample_weight=None,
                 steps=None):
        """Loss (and metrics) on the given data, in test mode.

        Args:
            x, y, sample_weight: as for `fit`.
            batch_size: samples per batch (None also means 32; ignored with steps).
            verbose: 1 shows a progress bar, 0 (the default, as API.md writes it; Keras
                2.2.4 defaults to 1) prints nothing.
            steps: run the whole arrays this many times instead.

        Returns:
            A float when the model has no metrics, else [loss, metric, ...] in the order of
            `metrics_names`.
        """
        if batch_size is None and steps is None:
            batch_size = 32
        check_int(batch_size, 'batch_size', 'evaluate')
        check_int(steps, 'steps', 'evaluate')
        x, y, weights = self._standardize_user_data(x, y, sample_weight, method='evaluate')
        check_stateful_batches(self, x, batch_size, 'evaluate',
                               whole=steps is not None)
        self._make_test_function()
        return training_loops.test_loop(self, self.test_function, x + y + weights,
                                        batch_size=batch_size, verbose=verbose, steps=steps)

    def predict(self, x, batch_size=32, verbose=0, steps=None):
        """Outputs for the input samples, computed batch by batch in test mode.

        Args:
            x: numpy array (a list or {name: array} dict for several inputs).
            batch_size: samples per batch (None also means 32; ignored with steps).
            verbose: 1 shows a progress bar.
            steps: run the whole arrays this many times instead.

        Returns:
            A numpy array (a list of arrays for several outputs).
        """
        if batch_size is None and steps is None:
            batch_size = 32
        check_int(batch_size, 'batch_size', 'predict')
        check_int(steps, 'steps', 'predict')
        x = self._standardize_inputs(x, 'predict')
        check_stateful_batches(self, x, batch_size, 'predict',
                               whole=steps is not None)
        self._make_predict_function()
        return training_loops.predict_loop(self, self.predict_function, x,
                                           batch_size=batch_size, verbose=verbose, steps=steps)

    def _plain_batch(self, x, y, sample_weight, class_weight):
        """(x, y, weights) lists when the batch needs none of the conversions and checks
        of `_standardize_user_data` (arrays of the compiled shapes, no weights given: see
        `plain_arrays`), else None. The fast path of the *_on_batch methods."""
        if (sample_weight is not None or class_weight is not None or self.optimizer is None
                or not self._is_compiled or not self.built):
            return None
        xs = plain_arrays(x, self._feed_input_shapes)
        if xs is None:
            return None
        ys = plain_arrays(y, self._target_shapes())
        if ys is None or ys[0].shape[0] != xs[0].shape[0]:
            return None
        check_sparse_labels(ys, self._feed_loss_fns, self._feed_output_shapes,
                            self._feed_output_names)
        cache = self.__dict__.setdefault('_ones_cache', {})
        return xs, ys, ones_weights(xs[0].shape[0], len(ys), cache)

    def _target_shapes(self):
        """The shapes the target arrays must have (computed once per compile)."""
        cached = self.__dict__.get('_target_shapes_cache')
        if cached is None or cached[0] is not self._feed_loss_fns:
            cached = self._target_shapes_cache = (self._feed_loss_fns, [
                _feed_target_shape(shape, fn) for shape, fn in
                zip(self._feed_output_shapes, self._feed_loss_fns)])
        return cached[1]

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None):
        """One gradient step on one batch.

        Returns:
            The loss (a float) or [loss, metrics...].
        """
        batch = self._plain_batch(x, y, sample_weight, class_weight)
        if batch is None:
            batch = self._standardize_user_data(x, y, sample_weight, class_weight,
                                                method='train_on_batch')
        x, y, weights = batch
        check_stateful_batches(self, x, None, 'train_on_batch')
        self._make_train_function()
        outputs = self.train_function(x + y + weights)
        return unpack_singleton([to_scalar(o) for o in outputs])

    def test_on_batch(self, x, y, sample_weight=None):
        """Loss (and metrics) on one batch, in test mode."""
        batch = self._plain_batch(x, y, sample_weight, None)
        if batch is None:
            batch = self._standardize_user_data(x, y, sample_weight, method='test_on_batch')
        x, y, weights = batch
        check_stateful_batches(self, x, None, 'test_on_batch')
        self._make_test_function()
        outputs = self.test_function(x + y + weights)
        return unpack_singleton([to_scalar(o) for o in outputs])

    def predict_on_batch(self, x):
        """Outputs for one batch of samples."""
        plain = plain_arrays(x, self._feed_input_shapes) if self.built else None
        if plain is None:
            plain = self._standardize_inputs(x, 'predict_on_batch')
        check_stateful_batches(self, plain, None, 'predict_on_batch')
        self._make_predict_function()
        return unpack_singleton(list(self.predict_function(plain)))


def _is_flat_class_weight(class_weight, output_names):
    """Whether `class_weight` is one {class: weight} dict (not one per output)."""
    return (isinstance(class_weight, dict) and len(output_names) == 1
            and not any(key in output_names for key in class_weight))
