"""Depthwise 2-D convolution (NHWC) and its two gradients.

A depthwise convolution filters each input channel on its own: x (N, H, W, C) with a
kernel (KH, KW, C, M) gives (N, OH, OW, C * M), output channel c * M + m being channel c
filtered by kernel[:, :, c, m] (TensorFlow's and Keras's layout). Strides, padding and
dilation follow Conv2D (Keras-on-TensorFlow 'same': the odd padding cell goes after).

The gradient ops are linear (DepthwiseConv2DGradInput, in g and in w) and bilinear
(DepthwiseConv2DGradFilter, in x and g), so their own gradients are built from the three
ops, as for Conv2DGradInput and Conv2DGradFilter.
"""
import numpy as np

from .base import Op, register_op, check_ndim
from .nn import check_padding, conv_output_size
from .nn_reference import pad_spatial, same_padding


def _taps(padded, kernel_hw, strides, dilation, out_hw):
    """Yield (i, j, view): view[n, oh, ow, c] = padded input read by kernel tap (i, j)."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel_hw, strides, dilation, out_hw
    for i in range(kh):
        for j in range(kw):
            yield i, j, padded[:, i * dh: i * dh + sh * (oh - 1) + 1: sh,
                               j * dw: j * dw + sw * (ow - 1) + 1: sw, :]


def _split_channels(g, channels):
    """(N, OH, OW, C * M) -> (N, OH, OW, C, M)."""
    return g.reshape(g.shape[:3] + (channels, g.shape[3] // channels))


class _Depthwise(Op):
    params = ('strides', 'padding', 'dilation')

    def window(self, input_hw, kernel_hw):
        """(OH, OW) of the output for an input of `input_hw` (None stays None)."""
        return tuple(conv_output_size(n, k, s, self.padding, d) for n, k, s, d in
                     zip(input_hw, kernel_hw, self.strides, self.dilation))

    def common(self):
        return dict(strides=self.strides, padding=self.padding, dilation=self.dilation)

    def check_kernel(self, w):
        check_ndim(self, w, 4, 'depthwise kernel (rows, cols, channels, multiplier)')

    def check_gradient_channels(self, g, w):
        expected = w.shape[2] * w.shape[3]
        if g.shape[3] is not None and g.shape[3] != expected:
            raise ValueError(f"{self.describe()}: expected an output gradient with "
                             f"{expected} channels for the kernel of shape {w.shape}, "
                             f"received shape {g.shape}")

    def static_hw(self, x, what):
        if None in x.shape[1:3]:
            raise ValueError(f"{self.describe()}: the gradient needs static rows and cols, "
                             f"received {what} shape {x.shape}")
        return tuple(x.shape[1:3])


@register_op
class DepthwiseConv2D(_Depthwise):
    """x (N, H, W, C) filtered channel by channel with w (KH, KW, C, M) -> (N, OH, OW, C*M)."""

    kernel = 'depthwise_conv2d'

    def infer(self, x, w):
        check_padding(self.describe(), self.padding)
        check_ndim(self, x, 4, 'input (batch, rows, cols, channels)')
        self.check_kernel(w)
        if x.shape[3] is not None and x.shape[3] != w.shape[2]:
            raise ValueError(f"{self.describe()}: input of shape {x.shape} has {x.shape[3]} "
                             f"channels but the kernel of shape {w.shape} expects "
                             f"{w.shape[2]}")
        oh, ow = self.window(x.shape[1:3], w.shape[:2])
        if 0 in (oh, ow):
            raise ValueError(f"{self.describe()}: kernel {w.shape[:2]} larger than input "
                             f"{x.shape[1:3]} with 'valid' padding")
        return (x.shape[0], oh, ow, w.shape[2] * w.shape[3]), x.dtype

    def reference(self, x, w):
        out_hw = self.window(x.shape[1:3], w.shape[:2])
        padded = pad_spatial(x, w.shape[:2], self.strides, self.padding, self.dilation)
        out = np.zeros((x.shape[0],) + out_hw + w.shape[2:], x.dtype)
        for i, j, view in _taps(padded, w.shape[:2], self.strides, self.dilation, out_hw):
            out += view[..., None] * w[i, j]
        return out.reshape(out.shape[:3] + (-1,))

    def grad(self, inputs, out, g):
        x, w = inputs
        input_hw = self.static_hw(x, 'input')
        return [DepthwiseConv2DGradInput(input_hw=input_hw, **self.common())(g, w),
                DepthwiseConv2DGradFilter(kernel_hw=w.shape[:2], **self.common())(x, g)]


@register_op
class DepthwiseConv2DGradInput(_Depthwise):
    """Gradient of DepthwiseConv2D with respect to its input: g (N, OH, OW, C * M) and
    w (KH, KW, C, M) -> (N, H, W, C), H and W given by `input_hw`."""

    params = _Depthwise.params + ('input_hw',)
    kernel = 'depthwise_conv2d_grad_input'

    def infer(self, g, w):
        check_padding(self.describe(), self.padding)
        check_ndim(self, g, 4, 'output gradient (batch, rows, cols, channels)')
        self.check_kernel(w)
        self.check_gradient_channels(g, w)
        out_hw = self.window(self.input_hw, w.shape[:2])
        if any(a is not None and a != b for a, b in zip(g.shape[1:3], out_hw)):
            raise ValueError(f"{self.describe()}: an input of rows and cols {self.input_hw} "
                             f"gives an output of {out_hw}, received an output gradient "
                             f"of shape {g.shape}")
        return (g.shape[0],) + tuple(self.input_hw) + (w.shape[2],), g.dtype

    def reference(self, g, w):
        pads = [same_padding(n, k, s, d) if self.padding == 'same' else (0, 0)
                for n, k, s, d in zip(self.input_hw, w.shape[:2], self.strides,
                                      self.dilation)]
        padded_hw = tuple(n + a + b for n, (a, b) in zip(self.input_hw, pads))
        padded = np.zeros((g.shape[0],) + padded_hw + (w.shape[2],), g.dtype)
        g5 = _split_channels(g, w.shape[2])
        for i, j, view in _taps(padded, w.shape[:2], self.strides, self.dilation,
                                g.shape[1:3]):
            view += (g5 * w[i, j]).sum(axis=-1)
        (top, _), (left, _) = pads
        return padded[:, top: top + self.input_hw[0], left: left + self.input_hw[1]]

    def grad(self, inputs, out, h):
        # Linear in g and in w: the adjoint of g -> GradInput(g, w) is h -> forward(h, w),
        # and <h, GradInput(g, w)> = <forward(h, w), g> gives w's gradient GradFilter(h, g).
        g, w = inputs
        return [DepthwiseConv2D(**self.common())(h, w),
                DepthwiseConv2DGradFilter(kernel_hw=w.shape[:2], **self.common())(h, g)]


@register_op
class DepthwiseConv2DGradFilter(_Depthwise):
    """Gradient of DepthwiseConv2D with respect to its kernel: x (N, H, W, C) and
    g (N, OH, OW, C * M) -> (KH, KW, C, M), KH and KW given by `kernel_hw`."""

    params = _Depthwise.params + ('kernel_hw',)
    kernel = 'depthwise_conv2d_grad_filter'

    def infer(self, x, g):
        check_padding(self.describe(), self.padding)
        check_ndim(self, x, 4, 'input (batch, rows, cols, channels)')
        check_ndim(self, g, 4, 'output gradient (batch, rows, cols, channels)')
        channels, total = x.shape[3], g.shape[3]
        if channels is None or total is None or total % channels:
            raise ValueError(f"{self.describe()}: expected static channels, the output "
                             f"gradient's a multiple of the input's, received shapes "
                             f"{x.shape} and {g.shape}")
        return tuple(self.kernel_hw) + (channels, total // channels), x.dtype

    def reference(self, x, g):
        padded = pad_spatial(x, self.kernel_hw, self.strides, self.padding, self.dilation)
        g5 = _split_channels(g, x.shape[3])
        dw = np.zeros(tuple(self.kernel_hw) + g5.shape[3:], x.dtype)
        for i, j, view in _taps(padded, self.kernel_hw, self.strides, self.dilation,
                                g.shape[1:3]):
            dw[i, j] = np.einsum('nhwc,nhwcm->cm', view, g5)
        return dw

    def grad(self, inputs, out, k):
        # Bilinear in x and g: <k, GradFilter(x, g)> = <forward(x, k), g>.
        x, g = inputs
        input_hw = self.static_hw(x, 'input')
        return [DepthwiseConv2DGradInput(input_hw=input_hw, **self.common())(g, k),
                DepthwiseConv2D(**self.common())(x, k)]
