"""Real-time image augmentation of Keras 2.2.4 (`keras.preprocessing.image`, built on
keras_preprocessing 1.0.5): `ImageDataGenerator` and the single-image transforms.

Only numpy and scipy are used. What needs PIL in Keras is not provided: loading and saving
image files (`load_img`, `save_img`, `array_to_img`, `flow_from_directory`,
`flow_from_dataframe`, `save_to_dir`) and `brightness_range`.
"""
import warnings

import numpy as np

from .. import backend as K
from .image_iterators import Iterator, NumpyArrayIterator, _warn_channels
from .image_transforms import (FILL_MODES, apply_affine_transform, apply_channel_shift,
                               flip_axis, img_to_array, random_channel_shift,
                               random_rotation, random_shear, random_shift, random_zoom)

__all__ = ['ImageDataGenerator', 'Iterator', 'NumpyArrayIterator', 'apply_affine_transform',
           'apply_channel_shift', 'random_channel_shift', 'random_rotation', 'random_shift',
           'random_shear', 'random_zoom', 'flip_axis', 'img_to_array']

_NO_PIL = ('needs PIL to read or write image files, which symkeras does not use; load the '
           'images into an array and use flow()')


class ImageDataGenerator:
    """Batches of images with random augmentation and normalization, epoch after epoch.

    For each image of a batch: a random affine transform (rotation, shift, shear, zoom),
    channel shift and flips, then `preprocessing_function`, `rescale` and the sample-wise,
    then feature-wise (statistics from `fit`), normalizations.

    Args:
        featurewise_center: subtract the per-channel mean of the data given to `fit`.
        samplewise_center: subtract each image's own mean.
        featurewise_std_normalization: divide by the per-channel std of the `fit` data.
        samplewise_std_normalization: divide each image by its own std.
        zca_whitening: apply ZCA whitening computed by `fit`.
        zca_epsilon: epsilon of the ZCA whitening.
        rotation_range: random rotations in [-rotation_range, rotation_range) degrees.
        width_shift_range: float: fraction of the width if < 1, else pixels, drawn in
            [-w, w); int: whole pixels in (-w, w); a list: one of its values, either sign.
        height_shift_range: the same for the height.
        brightness_range: unsupported (needs PIL in Keras); must be None.
        shear_range: shear angle range in degrees (counter-clockwise).
        zoom_range: float z for [1 - z, 1 + z], or [lower, upper] (above 1 zooms out).
        channel_shift_range: random shift added to all channels, in [-c, c).
        fill_mode: 'constant', 'nearest', 'reflect' or 'wrap' (see
            `apply_affine_transform`).
        cval: fill value for 'constant'.
        horizontal_flip: flip half of the images left-right.
        vertical_flip: flip half of the images upside down.
        rescale: factor multiplying the images after the transforms (None or 0: none).
        preprocessing_function: function of one image (3-D array), returning an array of
            the same shape; runs after the random transforms, before `rescale`.
        data_format: 'channels_last' or 'channels_first' (default:
            `K.image_data_format()`).
        validation_split: fraction of the images kept for `subset='validation'`.
        dtype: dtype of the image batches (default: `K.floatx()`).

    Raises:
        ValueError: unknown `data_format` or `fill_mode`, `validation_split` outside (0, 1),
            `zoom_range` neither a number nor a pair.
        NotImplementedError: `brightness_range` is given.

    Example:
        >>> x = np.random.rand(8, 6, 6, 1).astype('float32')
        >>> y = np.arange(8)
        >>> datagen = ImageDataGenerator(featurewise_center=True, horizontal_flip=True,
        ...                              rotation_range=10)
        >>> datagen.fit(x)
        >>> x_batch, y_batch = datagen.flow(x, y, batch_size=4, seed=1)[0]
        >>> x_batch.shape, x_batch.dtype, y_batch.shape
        ((4, 6, 6, 1), dtype('float32'), (4,))
    """

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0,
                 width_shift_range=0., height_shift_range=0., brightness_range=None,
                 shear_range=0., zoom_range=0., channel_shift_range=0., fill_mode='nearest',
                 cval=0., horizontal_flip=False, vertical_flip=False, rescale=None,
                 preprocessing_function=None, data_format=None, validation_split=0.0,
                 dtype=None):
        if brightness_range is not None:
            raise NotImplementedError('ImageDataGenerator: brightness_range ' + _NO_PIL)
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening, self.zca_epsilon = zca_whitening, zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range, self.height_shift_range = width_shift_range, height_shift_range
        self.brightness_range = None
        self.shear_range, self.zoom_range = shear_range, _zoom_pair(zoom_range)
        self.channel_shift_range = channel_shift_range
        self.fill_mode, self.cval = fill_mode, cval
        self.horizontal_flip, self.vertical_flip = horizontal_flip, vertical_flip
        self.rescale, self.preprocessing_function = rescale, preprocessing_function
        self.dtype = dtype or K.floatx()
        self._set_data_format(data_format or K.image_data_format())
        if fill_mode not in FILL_MODES:
            raise ValueError('ImageDataGenerator: expected fill_mode in %s, received %r'
                             % (FILL_MODES, fill_mode))
        if validation_split and not 0 < validation_split < 1:
            raise ValueError('ImageDataGenerator: validation_split must be strictly between '
                             '0 and 1; received %r' % (validation_split,))
        self._validation_split = validation_split
        self.mean = self.std = self.principal_components = None
        self._resolve_normalization_flags()

    def _set_data_format(self, data_format):
        """Record the data format and the batch axes of channels, rows and columns."""
        if data_format not in ('channels_last', 'channels_first'):
            raise ValueError("ImageDataGenerator: expected data_format 'channels_last' or "
                             "'channels_first', received %r" % (data_format,))
        self.data_format = data_format
        last = data_format == 'channels_last'
        self.channel_axis, self.row_axis, self.col_axis = (3, 1, 2) if last else (1, 2, 3)

    def _resolve_normalization_flags(self):
        """Options that imply others, with Keras's warnings."""
        if self.zca_whitening and not self.featurewise_center:
            self.featurewise_center = True
            warnings.warn('ImageDataGenerator: zca_whitening turns featurewise_center on')
        if self.zca_whitening and self.featurewise_std_normalization:
            self.featurewise_std_normalization = False
            warnings.warn('ImageDataGenerator: zca_whitening turns '
                          'featurewise_std_normalization off')
        if self.featurewise_std_normalization and not self.featurewise_center:
            self.featurewise_center = True
            warnings.warn('ImageDataGenerator: featurewise_std_normalization turns '
                          'featurewise_center on')
        if self.samplewise_std_normalization and not self.samplewise_center:
            self.samplewise_center = True
            warnings.warn('ImageDataGenerator: samplewise_std_normalization turns '
                          'samplewise_center on')

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix='', save_format='png', subset=None):
        """Batches of augmented images from arrays.

        Args:
            x: images, 4-D; or `(images, extra)` with `extra` an array or list of arrays
                passed through unchanged (see `NumpyArrayIterator`).
            y: labels, or None for batches of images only.
            batch_size: images per batch.
            shuffle: new random order each epoch.
            sample_weight: per-image weights (batches become `(x, y, weights)`).
            seed: seed of the shuffling and of the random transforms.
            save_to_dir: unsupported (needs PIL); must be None.
            save_prefix: unused.
            save_format: unused.
            subset: 'training' or 'validation' when `validation_split` is set.

        Returns:
            A `NumpyArrayIterator`: a `symkeras.utils.Sequence` for `fit_generator`, and an
            endless iterator (`next()`).
        """
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed,
                                  data_format=self.data_format, save_to_dir=save_to_dir,
                                  save_prefix=save_prefix, save_format=save_format,
                                  subset=subset, dtype=self.dtype)

    def flow_from_directory(self, directory, *args, **kwargs):
        """Not provided: Keras decodes the image files with PIL.

        Raises:
            NotImplementedError: always.
        """
        raise NotImplementedError('ImageDataGenerator.flow_from_directory ' + _NO_PIL)

    def flow_from_dataframe(self, dataframe, *args, **kwargs):
        """Not provided: Keras decodes the image files with PIL.

        Raises:
            NotImplementedError: always.
        """
        raise NotImplementedError('ImageDataGenerator.flow_from_dataframe ' + _NO_PIL)

    def standardize(self, x):
        """Apply `preprocessing_function`, `rescale` and the normalizations.

        Sample-wise statistics are those of each image (of each image of a 4-D batch).
        Feature-wise ones come from `fit`; without it they are skipped with a warning.

        Args:
            x: one image (3-D) or a batch (4-D).

        Returns:
            The normalized array (`x` itself is never modified, unlike in Keras).
        """
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        x = np.asarray(x)   # every step below makes a new array: the input is never changed
        if self.rescale:
            x = x * self.rescale
        image_axes = tuple(range(x.ndim - 3, x.ndim))
        if self.samplewise_center:
            x = x - np.mean(x, axis=image_axes, keepdims=True)
        if self.samplewise_std_normalization:
            x = x / (np.std(x, axis=image_axes, keepdims=True) + 1e-6)
        if self.featurewise_center:
            x = x - self.mean if self._fitted('featurewise_center', self.mean) else x
        if self.featurewise_std_normalization:
            x = x / (self.std + 1e-6) if self._fitted('featurewise_std_normalization',
                                                      self.std) else x
        if self.zca_whitening and self._fitted('zca_whitening', self.principal_components):
            flat = np.reshape(x, (-1, int(np.prod(x.shape[-3:]))))
            x = np.reshape(flat @ self.principal_components, x.shape)
        return x

    @staticmethod
    def _fitted(option, statistic):
        """True when `fit` computed `statistic`; warn (as Keras) when it did not."""
        if statistic is None:
            warnings.warn('ImageDataGenerator specifies %s, but it has not been fit on any '
                          'training data: call .fit(numpy_data) first' % option)
        return statistic is not None

    def get_random_transform(self, img_shape, seed=None):
        """Draw the parameters of a random transform of one image.

        Args:
            img_shape: shape of the image (3-D, without the batch axis).
            seed: seed of this draw (None: numpy's global RNG).

        Returns:
            A dict with 'theta', 'tx', 'ty', 'shear', 'zx', 'zy', 'flip_horizontal',
            'flip_vertical', 'channel_shift_intensity' and 'brightness' (always None).
        """
        rng = np.random if seed is None else np.random.RandomState(seed)
        return self._draw_transform(img_shape, rng)

    def _draw_transform(self, img_shape, rng):
        """Transform parameters drawn from `rng`, in Keras's order of draws."""
        theta = rng.uniform(-self.rotation_range, self.rotation_range) \
            if self.rotation_range else 0
        tx = _draw_shift(self.height_shift_range, img_shape[self.row_axis - 1], rng)
        ty = _draw_shift(self.width_shift_range, img_shape[self.col_axis - 1], rng)
        shear = rng.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        zx, zy = 1, 1
        if self.zoom_range[0] != 1 or self.zoom_range[1] != 1:
            zx, zy = rng.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = bool(rng.random_sample() < 0.5) and bool(self.horizontal_flip)
        flip_vertical = bool(rng.random_sample() < 0.5) and bool(self.vertical_flip)
        channel_shift = None
        if self.channel_shift_range != 0:
            channel_shift = rng.uniform(-self.channel_shift_range, self.channel_shift_range)
        return {'theta': theta, 'tx': tx, 'ty': ty, 'shear': shear, 'zx': zx, 'zy': zy,
                'flip_horizontal': flip_horizontal, 'flip_vertical': flip_vertical,
                'channel_shift_intensity': channel_shift, 'brightness': None}

    def apply_transform(self, x, transform_parameters):
        """Apply the transform described by `transform_parameters` to one image.

        Args:
            x: one image (3-D).
            transform_parameters: dict as `get_random_transform` returns (missing keys
                mean no change).

        Returns:
            The transformed image, same shape.
        """
        params = transform_parameters
        if params.get('brightness') is not None:
            raise NotImplementedError('ImageDataGenerator: brightness shifts ' + _NO_PIL)
        rows, cols, channels = self.row_axis - 1, self.col_axis - 1, self.channel_axis - 1
        x = apply_affine_transform(x, params.get('theta', 0), params.get('tx', 0),
                                   params.get('ty', 0), params.get('shear', 0),
                                   params.get('zx', 1), params.get('zy', 1), row_axis=rows,
                                   col_axis=cols, channel_axis=channels,
                                   fill_mode=self.fill_mode, cval=self.cval)
        if params.get('channel_shift_intensity') is not None:
            x = apply_channel_shift(x, params['channel_shift_intensity'], channels)
        if params.get('flip_horizontal', False):
            x = flip_axis(x, cols)
        if params.get('flip_vertical', False):
            x = flip_axis(x, rows)
        return x

    def random_transform(self, x, seed=None):
        """Apply a random transform to one image.

        Args:
            x: one image (3-D).
            seed: seed of the draw (None: numpy's global RNG).

        Returns:
            The transformed image, same shape.
        """
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Compute the feature-wise statistics (mean, std, ZCA) of sample images.

        As in Keras, the statistics are those of `x` as given (optionally augmented):
        `preprocessing_function` and `rescale` are not applied first.

        Args:
            x: images, 4-D.
            augment: compute the statistics on randomly transformed copies of `x`.
            rounds: number of transformed copies of `x` when `augment`.
            seed: seed of those random transforms.

        Raises:
            ValueError: `x` is not 4-D.
        """
        x = np.array(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError('ImageDataGenerator.fit: expected images of rank 4, received '
                             'an array of shape %s' % (x.shape,))
        _warn_channels(x.shape, self.data_format, 'ImageDataGenerator.fit')
        if augment:
            rng = np.random if seed is None else np.random.RandomState(seed)
            x = np.stack([self.apply_transform(image, self._draw_transform(image.shape, rng))
                          for _ in range(rounds) for image in x]).astype(self.dtype)
        axes = (0, self.row_axis, self.col_axis)
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=axes), shape)
            x = x - self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=axes), shape)
            x = x / (self.std + 1e-6)
        if self.zca_whitening:
            flat = np.reshape(x, (len(x), -1))
            sigma = flat.T @ flat / len(flat)
            import scipy.linalg    # here: keeps `import symkeras` light
            u, s, _ = scipy.linalg.svd(sigma)
            self.principal_components = (u / np.sqrt(s[np.newaxis] + self.zca_epsilon)) @ u.T


def _zoom_pair(zoom_range):
    """[lower, upper] of a zoom range given as a number or a pair."""
    if np.isscalar(zoom_range):
        return [1 - zoom_range, 1 + zoom_range]
    if len(zoom_range) == 2:
        return [zoom_range[0], zoom_range[1]]
    raise ValueError('ImageDataGenerator: expected zoom_range a number or [lower, upper], '
                     'received %s' % (zoom_range,))


def _draw_shift(shift_range, size, rng):
    """A random shift in pixels along an axis of `size` pixels (see `width_shift_range`)."""
    if not np.any(shift_range):
        return 0
    if isinstance(shift_range, (int, np.integer)) or np.ndim(shift_range) == 1:
        shift = rng.choice(shift_range) * rng.choice([-1, 1])
    else:
        shift = rng.uniform(-shift_range, shift_range)
    if np.max(shift_range) < 1:
        shift *= size
    return shift
