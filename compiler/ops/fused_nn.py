"""Fused neural-network ops: a product with its epilogue (bias and activation, or a
scaled accumulation: Gemm), and relu + max-pool gradients.

The epilogue pass (compiler/rewrite/epilogue.py) builds them after differentiation, so a
kernel can apply bias, activation and pooling to each tile of a convolution or matrix
product while it is hot in cache. They still carry gradient rules (built from the
unfused ops) so that any graph holding them can be differentiated, except the gradient
op MaxPool2DReluGrad, which is marked non-differentiable like MaxPool2DGrad.

Activations: 'linear' and 'relu'. A bias is an optional last input of shape (F,).

Each lists, as `fused_ops`, the names of the ops it replaced in data-flow order
(compiler.inspect shows them as a node's `fused`); where a bias or scale is optional,
`fused_ops_of(inputs)` gives them for a node with these inputs (`fused_ops`: with all).

`region` (rows, cols), where present: only that top-left part of a convolution's output
matters (a following valid max pooling reads no more: 7x7 -> 3x3 reads 6x6). The forward
op is zero outside it; the gradient ops take their output gradient as zero outside it.
"""
import numpy as np

from .base import Op, register_op
from .linalg import MatMul
from .nn import (Conv2D, Conv2DGradFilter, Conv2DGradInput, MaxPool2D, MaxPool2DGrad,
                 check_padding, conv_output_size)
from . import nn_reference as ref
from .. import builders as B

ACTIVATIONS = ('linear', 'relu')


def _check_act(op):
    if op.act not in ACTIVATIONS:
        raise ValueError(f"{op.describe()}: unknown activation {op.act!r}; expected one "
                         f"of {ACTIVATIONS}")


def _check_bias(op, out_shape, dtype, bias):
    if bias is None:
        return
    if bias.shape != (out_shape[-1],) or bias.dtype != dtype:
        raise ValueError(f"{op.describe()}: expected a {dtype} bias of shape "
                         f"({out_shape[-1]},), received {bias.dtype} {bias.shape}")


def _apply(act, value, bias):
    value = value if bias is None else value + bias
    return np.maximum(value, 0).astype(value.dtype) if act == 'relu' else value


def _act_grad(act, out, g):
    """Gradient with respect to the pre-activation, given the output and its gradient."""
    return g * B.cast(B.greater(out, 0), g.dtype) if act == 'relu' else g


def epilogue_ops(core, act, bias, pool=False):
    """The op names of [maxpool](act(core(...) [+ bias])), in data-flow order."""
    return [core] + ['Add'] * bool(bias) + ['Relu'] * (act == 'relu') + ['MaxPool2D'] * pool


def has_bias(inputs):
    """Whether a node of an epilogue op with these inputs (None: unknown) adds a bias."""
    return inputs is None or len(inputs) > 2


def scale_ops(scale):
    """['Mul'] unless the GEMM-style scale input is the constant 1 the rewrite inserts
    for an absent scale (None: unknown, taken as present)."""
    value = getattr(scale, 'value', None) if getattr(scale, 'kind', None) == 'constant' \
        else None
    return [] if value is not None and np.all(np.asarray(value) == 1) else ['Mul']


def covered(pool_size, strides, padding, hw):
    """(rows, cols) of an input of spatial size `hw` that max pooling windows read."""
    out = []
    for size, kernel, stride in zip(hw, pool_size, strides):
        count = conv_output_size(size, kernel, stride, padding)
        before = max((count - 1) * stride + kernel - size, 0) // 2 if padding == 'same' else 0
        out.append(min(size, (count - 1) * stride - before + kernel))
    return tuple(out)


def region_mask(region, shape, dtype):
    """A (1, OH, OW, 1) constant: 1 inside the top-left `region`, 0 elsewhere."""
    from ..ir import constant
    mask = np.zeros((1, shape[1], shape[2], 1), dtype)
    mask[:, :region[0], :region[1]] = 1
    return constant(mask)


def _masked(array, region):
    """array (N, H, W, C) with the cells outside the top-left region zeroed."""
    if region is None:
        return array
    out = np.zeros_like(array)
    out[:, :region[0], :region[1]] = array[:, :region[0], :region[1]]
    return out


def _check_region(op, shape):
    region = getattr(op, 'region', None)
    if region is not None and (len(region) != 2 or None in shape[1:3] or
                               not 0 < region[0] <= shape[1] or
                               not 0 < region[1] <= shape[2]):
        raise ValueError(f"{op.describe()}: region {region} must be two positive ints "
                         f"within the static output size {shape[1:3]}")


class _Defaults(Op):
    """Ops whose optional params default (to None) when not given."""

    defaults = {}

    def __init__(self, **kwargs):
        super().__init__(**dict(self.defaults, **kwargs))


def _bias_grad(inputs, g_pre):
    """[gradient of the bias] when there is a bias input, else []."""
    if len(inputs) < 3:
        return []
    return [B.reduce_sum(g_pre, tuple(range(g_pre.ndim - 1)))]


class _ConvEpilogue(_Defaults):
    pooled = False       # whether the op ends with the max pooling

    def fused_ops_of(self, inputs):
        return epilogue_ops('Conv2D', self.act, has_bias(inputs), self.pooled)

    def conv(self):
        return Conv2D(strides=self.strides, padding=self.padding, dilation=self.dilation)

    def conv_infer(self, x, w, bias):
        _check_act(self)
        shape, dtype = self.conv().infer(x, w)
        _check_bias(self, shape, dtype, bias)
        return shape, dtype

    def conv_reference(self, x, w, bias):
        out = ref.conv2d(x, w, self.strides, self.padding, self.dilation)
        return _apply(self.act, out, bias)

    def conv_grad(self, inputs, out, g):
        x, w = inputs[:2]
        g_pre = _act_grad(self.act, out, g)
        common = dict(strides=self.strides, padding=self.padding, dilation=self.dilation)
        return [Conv2DGradInput(input_hw=x.shape[1:3], **common)(g_pre, w),
                Conv2DGradFilter(kernel_hw=w.shape[:2], **common)(x, g_pre)
                ] + _bias_grad(inputs, g_pre)


@register_op
class Conv2DBiasAct(_ConvEpilogue):
    """act(conv2d(x, w) + bias): inputs x, w and an optional bias (F,); zero outside
    `region` when one is given."""

    params = ('strides', 'padding', 'dilation', 'act', 'region')
    defaults = {'region': None}
    kernel = 'conv2d_bias_act'

    def infer(self, x, w, bias=None):
        shape, dtype = self.conv_infer(x, w, bias)
        _check_region(self, shape)
        return shape, dtype

    def reference(self, x, w, bias=None):
        return _masked(self.conv_reference(x, w, bias), self.region)

    def grad(self, inputs, out, g):
        if self.region is not None:
            g = g * region_mask(self.region, out.shape, g.dtype)
        return self.conv_grad(inputs, out, g)


@register_op
class Conv2DBiasActPool(_ConvEpilogue):
    """maxpool2d(act(conv2d(x, w) + bias)): the inference form (the activation itself
    is not kept, so only the rows and columns the pooling reads are computed)."""

    params = ('strides', 'padding', 'dilation', 'act', 'pool_size', 'pool_strides',
              'pool_padding')
    kernel = 'conv2d_bias_act_pool'
    pooled = True

    def pool(self):
        return MaxPool2D(pool_size=self.pool_size, strides=self.pool_strides,
                         padding=self.pool_padding)

    def unpooled(self):
        return Conv2DBiasAct(strides=self.strides, padding=self.padding,
                             dilation=self.dilation, act=self.act)

    def infer(self, x, w, bias=None):
        shape, dtype = self.conv_infer(x, w, bias)
        check_padding(self.describe(), self.pool_padding)
        pooled = tuple(conv_output_size(n, k, s, self.pool_padding) for n, k, s in zip(
            shape[1:3], self.pool_size, self.pool_strides))
        if 0 in pooled:
            raise ValueError(f"{self.describe()}: pool {self.pool_size} larger than the "
                             f"convolution output {shape[1:3]} with 'valid' padding")
        return (shape[0],) + pooled + (shape[3],), dtype

    def reference(self, x, w, bias=None):
        return self.pool().reference(self.conv_reference(x, w, bias))

    def grad(self, inputs, out, g):
        # Recompute the activation the pooling read, then the unfused gradients.
        active = self.unpooled()(*inputs)
        pool = self.pool()
        g_active = MaxPool2DGrad(pool_size=pool.pool_size, strides=pool.strides,
                                 padding=pool.padding)(active, g)
        return self.conv_grad(inputs, active, g_active)


@register_op
class MatMulBiasAct(Op):
    """act(op(a) @ op(b) + bias): inputs a, b and an optional bias (N,)."""

    params = ('transpose_a', 'transpose_b', 'act')
    kernel = 'matmul_bias_act'

    def fused_ops_of(self, inputs):
        return epilogue_ops('MatMul', self.act, has_bias(inputs))

    def product(self):
        return MatMul(transpose_a=self.transpose_a, transpose_b=self.transpose_b)

    def infer(self, a, b, bias=None):
        _check_act(self)
        shape, dtype = self.product().infer(a, b)
        _check_bias(self, shape, dtype, bias)
        return shape, dtype

    def reference(self, a, b, bias=None):
        return _apply(self.act, self.product().reference(a, b), bias)

    def grad(self, inputs, out, g):
        g_pre = _act_grad(self.act, out, g)
        return self.product().grad(inputs[:2], out, g_pre) + _bias_grad(inputs, g_pre)


@register_op
class MatMulReluGrad(Op):
    """(op(a) @ op(b)) * (y > 0): a product (the gradient reaching a relu) masked where
    the relu's output y, of the product's shape and dtype, is not positive."""

    params = ('transpose_a', 'transpose_b')
    kernel = 'matmul_relu_grad'

    @property
    def fused_ops(self):
        return ['MatMul', 'Greater', 'Cast', 'Mul']

    def product(self):
        return MatMul(transpose_a=self.transpose_a, transpose_b=self.transpose_b)

    def infer(self, a, b, y):
        shape, dtype = self.product().infer(a, b)
        if y.shape != shape or y.dtype != dtype:
            raise ValueError(f"{self.describe()}: expected y of the product's shape and "
                             f"dtype, {dtype} {shape}, received {y.dtype} {y.shape}")
        return shape, dtype

    def reference(self, a, b, y):
        product = self.product().reference(a, b)
        return product * (y > 0).astype(product.dtype)

    def grad(self, inputs, out, g):
        a, b, y = inputs
        g_product = g * B.cast(B.greater(y, 0), g.dtype)
        return self.product().grad([a, b], out, g_product) + [None]


@register_op
class Gemm(Op):
    """beta * z + alpha * (op(a) @ op(b)), BLAS's GEMM (Theano's `gemm`): inputs z (the
    output's shape), a, b and the 0-d scalars alpha, beta; `negate_alpha` and
    `negate_beta` flip their signs, so z - s * dot needs no node for -s."""

    params = ('transpose_a', 'transpose_b', 'negate_alpha', 'negate_beta')
    kernel = 'gemm'

    def fused_ops_of(self, inputs):
        """MatMul, the scale Muls present (alpha's, beta's), then the Add or Sub."""
        alpha, beta = (None, None) if inputs is None else inputs[3:5]
        combine = 'Sub' if self.negate_alpha or self.negate_beta else 'Add'
        return ['MatMul'] + scale_ops(alpha) + scale_ops(beta) + [combine]

    def product(self):
        return MatMul(transpose_a=self.transpose_a, transpose_b=self.transpose_b)

    def infer(self, z, a, b, alpha, beta):
        shape, dtype = self.product().infer(a, b)
        if z.shape != shape or z.dtype != dtype:
            raise ValueError(f"{self.describe()}: expected z of the product's shape and "
                             f"dtype, {dtype} {shape}, received {z.dtype} {z.shape}")
        for name, scalar in (('alpha', alpha), ('beta', beta)):
            if scalar.shape != () or scalar.dtype != dtype:
                raise ValueError(f"{self.describe()}: expected a 0-d {dtype} {name}, "
                                 f"received {scalar.dtype} {scalar.shape}")
        return shape, dtype

    def reference(self, z, a, b, alpha, beta):
        alpha = -alpha if self.negate_alpha else alpha
        beta = -beta if self.negate_beta else beta
        return beta * z + alpha * self.product().reference(a, b)

    def signed(self, alpha, beta):
        """The scalars as tensors with their signs applied."""
        return (B.neg(alpha) if self.negate_alpha else alpha,
                B.neg(beta) if self.negate_beta else beta)

    def grad(self, inputs, out, g):
        z, a, b, alpha, beta = inputs
        alpha, beta = self.signed(alpha, beta)
        product = self.product()(a, b)
        grad_alpha = B.reduce_sum(g * product)
        grad_beta = B.reduce_sum(g * z)
        if self.negate_alpha:
            grad_alpha = B.neg(grad_alpha)
        if self.negate_beta:
            grad_beta = B.neg(grad_beta)
        return ([beta * g] + self.product().grad([a, b], product, alpha * g) +
                [grad_alpha, grad_beta])


@register_op
class Conv2DGradInputRegion(Conv2DGradInput):
    """Conv2DGradInput of an output gradient that is zero outside `region`."""

    params = Conv2DGradInput.params + ('region',)
    differentiable = False

    def infer(self, g, w):
        _check_region(self, g.shape)
        return super().infer(g, w)

    def reference(self, g, w):
        return super().reference(_masked(g, self.region), w)


@register_op
class Conv2DGradFilterRegion(Conv2DGradFilter):
    """Conv2DGradFilter of an output gradient that is zero outside `region`."""

    params = Conv2DGradFilter.params + ('region',)
    differentiable = False

    def infer(self, x, g):
        _check_region(self, g.shape)
        return super().infer(x, g)

    def reference(self, x, g):
        return super().reference(x, _masked(g, self.region))


@register_op
class MaxPool2DReluGrad(Op):
    """maxpool2d_grad(y, g) * (y > 0): the gradient through relu then max pooling, given
    the relu's output y."""

    params = ('pool_size', 'strides', 'padding')
    kernel = 'maxpool2d_relu_grad'
    differentiable = False

    @property
    def fused_ops(self):
        return ['MaxPool2DGrad', 'Greater', 'Cast', 'Mul']

    def infer(self, y, g):
        expected = MaxPool2D(pool_size=self.pool_size, strides=self.strides,
                             padding=self.padding).infer(y)[0]
        if len(g.shape) != 4 or any(a is not None and b is not None and a != b
                                    for a, b in zip(expected, g.shape)):
            raise ValueError(f"{self.describe()}: expected a gradient of shape {expected}, "
                             f"received {g.shape}")
        return y.shape, y.dtype

    def reference(self, y, g):
        routed = ref.maxpool2d_grad(y, g, self.pool_size, self.strides, self.padding)
        return routed * (y > 0).astype(y.dtype)
