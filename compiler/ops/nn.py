"""Neural-network primitives: softmax, 2-D convolution and pooling (NHWC)."""
import numpy as np

from .base import Op, register_op, check_ndim
from .. import builders as B
from . import nn_reference as ref


PADDINGS = ('valid', 'same')


def conv_output_size(size, kernel, stride, padding, dilation=1):
    """Output length along one spatial axis (Keras-on-TensorFlow rule)."""
    if size is None:
        return None
    effective = (kernel - 1) * dilation + 1
    if padding == 'same':
        return -(-size // stride)
    return max((size - effective) // stride + 1, 0)


def check_padding(op, padding):
    if padding not in PADDINGS:
        raise ValueError(f"{op}: unknown padding {padding!r}; expected one of {PADDINGS}")


@register_op
class Softmax(Op):
    """Softmax over the last axis."""

    kernel = 'softmax'
    params = ('axis',)

    def infer(self, x):
        if self.axis not in (-1, x.ndim - 1):
            raise ValueError(f"{self.describe()}: only the last axis is supported, "
                             f"received axis {self.axis} for shape {x.shape}")
        return x.shape, x.dtype

    def attrs(self):
        return {'axis': -1}

    def reference(self, x):
        shifted = np.exp(x - x.max(axis=-1, keepdims=True))
        return shifted / shifted.sum(axis=-1, keepdims=True)

    def grad(self, inputs, out, g):
        dot = B.reduce_sum(g * out, axes=(out.ndim - 1,), keepdims=True)
        return [out * (g - dot)]


class _Conv(Op):
    params = ('strides', 'padding', 'dilation')

    def window(self, shape, kernel_hw):
        (_, height, width, _), (kh, kw) = shape, kernel_hw
        return (conv_output_size(height, kh, self.strides[0], self.padding, self.dilation[0]),
                conv_output_size(width, kw, self.strides[1], self.padding, self.dilation[1]))


@register_op
class Conv2D(_Conv):
    """x (N, H, W, C) convolved with w (KH, KW, C, F) -> (N, OH, OW, F); no bias."""

    kernel = 'conv2d'

    def infer(self, x, w):
        check_padding(self.describe(), self.padding)
        check_ndim(self, x, 4, 'input (batch, rows, cols, channels)')
        check_ndim(self, w, 4, 'kernel (rows, cols, in_channels, filters)')
        if x.shape[3] is not None and x.shape[3] != w.shape[2]:
            raise ValueError(f"{self.describe()}: input has {x.shape[3]} channels but the "
                             f"kernel of shape {w.shape} expects {w.shape[2]}")
        oh, ow = self.window(x.shape, w.shape[:2])
        if 0 in (oh, ow):
            raise ValueError(f"{self.describe()}: kernel {w.shape[:2]} larger than input "
                             f"{x.shape[1:3]} with 'valid' padding")
        return (x.shape[0], oh, ow, w.shape[3]), x.dtype

    def reference(self, x, w):
        return ref.conv2d(x, w, self.strides, self.padding, self.dilation)

    def grad(self, inputs, out, g):
        x, w = inputs
        common = dict(strides=self.strides, padding=self.padding, dilation=self.dilation)
        return [Conv2DGradInput(input_hw=x.shape[1:3], **common)(g, w),
                Conv2DGradFilter(kernel_hw=w.shape[:2], **common)(x, g)]


@register_op
class Conv2DGradInput(_Conv):
    """Gradient of Conv2D with respect to its input; also the forward of a transposed
    convolution (Conv2DTranspose), hence a gradient rule of its own."""

    params = _Conv.params + ('input_hw',)
    kernel = 'conv2d_grad_input'

    def infer(self, g, w):
        check_ndim(self, g, 4, 'output gradient (batch, rows, cols, filters)')
        check_ndim(self, w, 4, 'kernel (rows, cols, in_channels, filters)')
        if g.shape[3] is not None and g.shape[3] != w.shape[3]:
            raise ValueError(f"{self.describe()}: input has {g.shape[3]} channels but the "
                             f"kernel of shape {w.shape} expects {w.shape[3]}")
        return (g.shape[0],) + tuple(self.input_hw) + (w.shape[2],), g.dtype

    def reference(self, g, w):
        return ref.conv2d_grad_input(g, w, self.input_hw, self.strides, self.padding,
                                     self.dilation)

    def grad(self, inputs, out, h):
        # The op is linear in g and in w; its adjoints are the convolution of h with w
        # (for g) and the filter gradient with the roles of x and g taken by h and g.
        g, w = inputs
        common = dict(strides=self.strides, padding=self.padding, dilation=self.dilation)
        return [Conv2D(**common)(h, w),
                Conv2DGradFilter(kernel_hw=w.shape[:2], **common)(h, g)]


@register_op
class Conv2DGradFilter(_Conv):
    """Gradient of Conv2D with respect to its kernel."""

    params = _Conv.params + ('kernel_hw',)
    kernel = 'conv2d_grad_filter'

    def infer(self, x, g):
        return tuple(self.kernel_hw) + (x.shape[3], g.shape[3]), x.dtype

    def reference(self, x, g):
        return ref.conv2d_grad_filter(x, g, self.kernel_hw, self.strides, self.padding,
                                      self.dilation)

    def grad(self, inputs, out, k):
        # Bilinear in x and g: <k, GradFilter(x, g)> = <Conv2D(x, k), g>.
        x, g = inputs
        if None in x.shape[1:3]:
            raise ValueError(f"{self.describe()}: the gradient needs static rows and cols, "
                             f"received input shape {x.shape}")
        common = dict(strides=self.strides, padding=self.padding, dilation=self.dilation)
        return [Conv2DGradInput(input_hw=x.shape[1:3], **common)(g, k),
                Conv2D(**common)(x, k)]


@register_op
class MaxPool2D(Op):
    params = ('pool_size', 'strides', 'padding')
    kernel = 'maxpool2d'

    def infer(self, x):
        check_padding(self.describe(), self.padding)
        check_ndim(self, x, 4, 'input (batch, rows, cols, channels)')
        oh, ow = (conv_output_size(n, k, s, self.padding)
                  for n, k, s in zip(x.shape[1:3], self.pool_size, self.strides))
        if 0 in (oh, ow):
            raise ValueError(f"{self.describe()}: pool {self.pool_size} larger than input "
                             f"{x.shape[1:3]} with 'valid' padding")
        return (x.shape[0], oh, ow, x.shape[3]), x.dtype

    def reference(self, x):
        return ref.maxpool2d(x, self.pool_size, self.strides, self.padding)

    def grad(self, inputs, out, g):
        return [MaxPool2DGrad(pool_size=self.pool_size, strides=self.strides,
                              padding=self.padding)(inputs[0], g)]


@register_op
class MaxPool2DGrad(Op):
    """Routes each pooled gradient to the first maximum of its window."""

    params = ('pool_size', 'strides', 'padding')
    kernel = 'maxpool2d_grad'
    differentiable = False

    def infer(self, x, g):
        return x.shape, x.dtype

    def reference(self, x, g):
        return ref.maxpool2d_grad(x, g, self.pool_size, self.strides, self.padding)


@register_op
class RandomUniform(Op):
    """Uniform [0, 1) numbers shaped like `ref`, from a counter-based generator.

    `state` is an int64 vector [seed, counter]; the op does not advance it: the graph does
    (a variable's default update), so every call draws new numbers reproducibly.
    """

    params = ('dtype',)
    kernel = 'random_uniform'

    def infer(self, ref_tensor, state):
        return ref_tensor.shape, self.dtype

    def grad(self, inputs, out, g):
        return [None, None]  # depends on the shape of ref only: a zero gradient

    def reference(self, ref_array, state):
        # Random numbers have no independent oracle: the reference is the kernel itself.
        from runtime.kernels import get_kernel
        return get_kernel(self.kernel, self.attrs())(ref_array, state)


@register_op
class AvgPool2D(Op):
    """Average pooling; padded cells are not counted (TensorFlow's and Theano's rule)."""

    params = ('pool_size', 'strides', 'padding')
    kernel = 'avgpool2d'

    def infer(self, x):
        return MaxPool2D.infer(self, x)

    def reference(self, x):
        return ref.avgpool2d(x, self.pool_size, self.strides, self.padding)

    def grad(self, inputs, out, g):
        (x,) = inputs
        return [AvgPool2DGrad(pool_size=self.pool_size, strides=self.strides,
                              padding=self.padding, input_hw=x.shape[1:3])(g)]


@register_op
class AvgPool2DGrad(Op):
    """Spreads each pooled gradient evenly over the cells of its window."""

    params = ('pool_size', 'strides', 'padding', 'input_hw')
    kernel = 'avgpool2d_grad'
    differentiable = False

    def infer(self, g):
        return (g.shape[0],) + tuple(self.input_hw) + (g.shape[3],), g.dtype

    def reference(self, g):
        return ref.avgpool2d_grad(g, self.input_hw, self.pool_size, self.strides,
                                  self.padding)
