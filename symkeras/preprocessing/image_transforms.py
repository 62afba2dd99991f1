"""Affine transforms, flips and channel shifts of single images (numpy + scipy.ndimage).

The functions of keras_preprocessing 1.0.5 that Keras 2.2.4 re-exports from
`keras.preprocessing.image`, minus those that need PIL (brightness, loading and saving
image files). An image is a 3-D array; the caller says which axes are rows, columns and
channels. Every channel is resampled on its own with `scipy.ndimage.affine_transform`
(bilinear interpolation), about the image's center.
"""
import numpy as np

from .. import backend as K

FILL_MODES = ('constant', 'nearest', 'reflect', 'wrap')
# Keras documents 'wrap' as abcd|abcd|abcd: scipy calls that periodic extension 'grid-wrap'
# (its own 'wrap' makes the first and last samples overlap).
_SCIPY_MODES = {'constant': 'constant', 'nearest': 'nearest', 'reflect': 'reflect',
                'wrap': 'grid-wrap'}


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=0,
                           col_axis=1, channel_axis=2, fill_mode='nearest', cval=0.):
    """Rotate, shift, shear and zoom one image about its center.

    The output pixel at (row, col) takes the input value at `M @ (row, col) + offset`,
    where `M` composes, in this order, the rotation by `theta`, the shift by (tx, ty), the
    shear and the zoom (zx on rows, zy on columns: a factor above 1 shows more of the
    image, smaller), all about the center of the image.

    Args:
        x: a 3-D image.
        theta: rotation angle in degrees.
        tx: shift along the rows, in pixels (positive moves the content up).
        ty: shift along the columns, in pixels (positive moves the content left).
        shear: shear angle in degrees.
        zx: zoom factor along the rows.
        zy: zoom factor along the columns.
        row_axis: axis of the rows in `x`.
        col_axis: axis of the columns in `x`.
        channel_axis: axis of the channels in `x`.
        fill_mode: how points outside the image are filled: 'constant' (kkkk|abcd|kkkk,
            k = `cval`), 'nearest' (aaaa|abcd|dddd), 'reflect' (dcba|abcd|dcba) or 'wrap'
            (abcd|abcd|abcd).
        cval: the value used by 'constant'.

    Returns:
        The transformed image, same shape (`x` itself when the transform is the identity).

    Example:
        >>> image = np.arange(9.).reshape(3, 3, 1)
        >>> apply_affine_transform(image, theta=90)[..., 0].round(6)
        array([[6., 3., 0.],
               [7., 4., 1.],
               [8., 5., 2.]])
    """
    if fill_mode not in FILL_MODES:
        raise ValueError('apply_affine_transform: expected fill_mode in %s, received %r'
                         % (FILL_MODES, fill_mode))
    matrix = _affine_matrix(theta, tx, ty, shear, zx, zy)
    if matrix is None:
        return x
    rows, cols = x.shape[row_axis], x.shape[col_axis]
    matrix = _about_center(matrix, rows, cols)
    transposed = row_axis > col_axis   # each channel's plane must be (rows, cols)
    import scipy.ndimage    # here, not at the top: keeps `import symkeras` light
    planes = []
    for plane in np.moveaxis(x, channel_axis, 0):
        plane = plane.T if transposed else plane
        plane = scipy.ndimage.affine_transform(plane, matrix[:2, :2], matrix[:2, 2], order=1,
                                               mode=_SCIPY_MODES[fill_mode], cval=cval)
        planes.append(plane.T if transposed else plane)
    return np.moveaxis(np.stack(planes), 0, channel_axis)


def _affine_matrix(theta, tx, ty, shear, zx, zy):
    """The 3x3 homogeneous matrix of the transform in (row, col), or None if identity."""
    parts = []
    if theta != 0:
        angle = np.deg2rad(theta)
        parts.append([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0],
                      [0, 0, 1]])
    if tx != 0 or ty != 0:
        parts.append([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
    if shear != 0:
        angle = np.deg2rad(shear)
        parts.append([[1, -np.sin(angle), 0], [0, np.cos(angle), 0], [0, 0, 1]])
    if zx != 1 or zy != 1:
        parts.append([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
    if not parts:
        return None
    matrix = np.eye(3)
    for part in parts:
        matrix = matrix @ np.array(part, dtype=np.float64)
    return matrix


def _about_center(matrix, rows, cols):
    """Conjugate `matrix` so that it acts about the center pixel of a rows x cols image."""
    center_row, center_col = (rows - 1) / 2.0, (cols - 1) / 2.0
    to_center = np.array([[1, 0, center_row], [0, 1, center_col], [0, 0, 1]])
    from_center = np.array([[1, 0, -center_row], [0, 1, -center_col], [0, 0, 1]])
    return to_center @ matrix @ from_center


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest',
                    cval=0.):
    """Rotate one image by a random angle in [-rg, rg) degrees (numpy's global RNG).

    Args:
        x: a 3-D image (channels first by default).
        rg: rotation range in degrees.
        row_axis: axis of the rows.
        col_axis: axis of the columns.
        channel_axis: axis of the channels.
        fill_mode: as in `apply_affine_transform`.
        cval: as in `apply_affine_transform`.

    Returns:
        The rotated image.

    Example:
        >>> random_rotation(np.ones((1, 8, 8)), 30).shape
        (1, 8, 8)
    """
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest',
                 cval=0.):
    """Shift one image by random fractions of its height and width (numpy's global RNG).

    Args:
        x: a 3-D image (channels first by default).
        wrg: width shift range, a fraction of the width.
        hrg: height shift range, a fraction of the height.
        row_axis: axis of the rows.
        col_axis: axis of the columns.
        channel_axis: axis of the channels.
        fill_mode: as in `apply_affine_transform`.
        cval: as in `apply_affine_transform`.

    Returns:
        The shifted image.

    Example:
        >>> random_shift(np.ones((1, 8, 8)), 0.2, 0.2).shape
        (1, 8, 8)
    """
    rows, cols = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * rows
    ty = np.random.uniform(-wrg, wrg) * cols
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest',
                 cval=0.):
    """Shear one image by a random angle in [-intensity, intensity) degrees.

    Args:
        x: a 3-D image (channels first by default).
        intensity: shear range in degrees.
        row_axis: axis of the rows.
        col_axis: axis of the columns.
        channel_axis: axis of the channels.
        fill_mode: as in `apply_affine_transform`.
        cval: as in `apply_affine_transform`.

    Returns:
        The sheared image.

    Example:
        >>> random_shear(np.ones((1, 8, 8)), 20).shape
        (1, 8, 8)
    """
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest',
                cval=0.):
    """Zoom one image by random factors drawn from `zoom_range` for rows and columns.

    Args:
        x: a 3-D image (channels first by default).
        zoom_range: (lower, upper) zoom factors.
        row_axis: axis of the rows.
        col_axis: axis of the columns.
        channel_axis: axis of the channels.
        fill_mode: as in `apply_affine_transform`.
        cval: as in `apply_affine_transform`.

    Returns:
        The zoomed image.

    Raises:
        ValueError: `zoom_range` is not a pair.

    Example:
        >>> random_zoom(np.ones((1, 8, 8)), (0.8, 1.2)).shape
        (1, 8, 8)
    """
    if len(zoom_range) != 2:
        raise ValueError('random_zoom: expected zoom_range (lower, upper), received %s'
                         % (zoom_range,))
    zx, zy = 1, 1
    if tuple(zoom_range) != (1, 1):
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Add `intensity` to every channel, clipped to the image's own [min, max].

    Args:
        x: a 3-D image.
        intensity: the value added.
        channel_axis: axis of the channels.

    Returns:
        The shifted image.

    Example:
        >>> apply_channel_shift(np.array([[[0.], [1.], [2.]]]), 1.5, channel_axis=2)[0, :, 0]
        array([1.5, 2. , 2. ])
    """
    del channel_axis   # every channel gets the same shift: the axis does not matter
    return np.clip(x + intensity, np.min(x), np.max(x))


def random_channel_shift(x, intensity_range, channel_axis=0):
    """`apply_channel_shift` by a random intensity in [-intensity_range, intensity_range).

    Args:
        x: a 3-D image.
        intensity_range: the range of the shift.
        channel_axis: axis of the channels.

    Returns:
        The shifted image.

    Example:
        >>> random_channel_shift(np.ones((1, 4, 4)), 0.5).shape
        (1, 4, 4)
    """
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def flip_axis(x, axis):
    """Reverse `x` along `axis` (a copy).

    Args:
        x: an array.
        axis: the axis to flip.

    Returns:
        The flipped array.

    Example:
        >>> flip_axis(np.array([[1, 2, 3]]), 1)
        array([[3, 2, 1]])
    """
    return np.flip(np.asarray(x), axis).copy()


def img_to_array(img, data_format=None, dtype=None):
    """Turn a 2-D (grayscale) or 3-D image (any array-like, e.g. a PIL image) into a
    3-D float array in `data_format`.

    Needs no PIL itself: it only calls `np.asarray` on `img`.

    Args:
        img: an array-like of shape (height, width) or (height, width, channels).
        data_format: 'channels_last' or 'channels_first' (default:
            `K.image_data_format()`).
        dtype: dtype of the result (default: `K.floatx()`).

    Returns:
        An array of shape (height, width, channels) or (channels, height, width).

    Raises:
        ValueError: unknown `data_format`, or `img` is neither 2-D nor 3-D.

    Example:
        >>> img_to_array(np.zeros((4, 5))).shape
        (4, 5, 1)
        >>> img_to_array(np.zeros((4, 5, 3)), data_format='channels_first').shape
        (3, 4, 5)
    """
    data_format = data_format or K.image_data_format()
    if data_format not in ('channels_last', 'channels_first'):
        raise ValueError("img_to_array: expected data_format 'channels_last' or "
                         "'channels_first', received %r" % (data_format,))
    array = np.asarray(img, dtype=dtype or K.floatx())
    if array.ndim == 2:
        array = array[:, :, np.newaxis]
    elif array.ndim != 3:
        raise ValueError('img_to_array: expected an image of shape (height, width) or '
                         '(height, width, channels), received %s' % (array.shape,))
    if data_format == 'channels_first':
        array = array.transpose(2, 0, 1)
    return array
