"""One row per primitive: how to build it, input shapes, input domain, tolerance.

Adding an op means adding a row here; tests/compiler/test_ops.py checks every row for
shape inference, kernel vs numpy reference, and gradient vs finite differences.
"""
from dataclasses import dataclass, field

import numpy as np

from compiler import builders as B
from compiler.ops.debug import Print
from compiler.ops.crossentropy import SoftmaxCrossEntropy, SoftmaxCrossEntropyGrad
from compiler.ops.depthwise import (DepthwiseConv2D, DepthwiseConv2DGradFilter,
                                    DepthwiseConv2DGradInput)
from compiler.ops.movement import Pad, Crop
from compiler.ops.nn import Conv2DGradInput, Conv2DGradFilter
from compiler.ops.stacked import GemmUpdate, Part, ScaledUpdate
from compiler.ops.weighted import (ScaleByNonzeroCount, WeightedMean, WeightedSoftmaxCrossEntropy,
                                   WeightedSoftmaxCrossEntropyGrad)
from compiler.ops.fused_nn import (Conv2DBiasAct, Conv2DBiasActPool, Conv2DGradFilterRegion,
                                   Conv2DGradInputRegion, Gemm, MatMulBiasAct,
                                   MatMulReluGrad, MaxPool2DReluGrad)
from compiler.rewrite.fuse import fuse_elementwise


@dataclass
class Spec:
    name: str                 # the op class this row covers (see OPS)
    build: object             # function(*tensors) -> tensor
    shapes: list              # input shapes (concrete)
    domain: tuple = (-2.0, 2.0)
    int_inputs: dict = field(default_factory=dict)   # {position: (low, high)} int inputs
    grad: bool = True         # check gradients
    covers: tuple = ()        # gradient ops exercised through this row's gradient
    batch_none: bool = True   # declare the first dim as None (batch) when building


def _gemm(transpose_a, transpose_b, negate_alpha, negate_beta):
    op = Gemm(transpose_a=transpose_a, transpose_b=transpose_b, negate_alpha=negate_alpha,
              negate_beta=negate_beta)
    return lambda z, a, b, alpha, beta: op(z, a, b, alpha, beta)


def _scaled_update(summed, negate_alpha, negate_beta):
    op = ScaledUpdate(summed=summed, negate_alpha=negate_alpha, negate_beta=negate_beta)
    return lambda z, g, alpha, beta, p: op(z, g, alpha, beta, p)


def _gemm_update(transpose_a, transpose_b, negate_alpha, negate_beta):
    op = GemmUpdate(transpose_a=transpose_a, transpose_b=transpose_b,
                    negate_alpha=negate_alpha, negate_beta=negate_beta)
    return lambda z, a, b, alpha, beta, p: op(z, a, b, alpha, beta, p)


def _conv(strides, padding, dilation=(1, 1)):
    return lambda x, w: B.conv2d(x, w, strides, padding, dilation)


def _conv_grad_input(input_hw, strides, padding, dilation=(1, 1)):
    op = Conv2DGradInput(input_hw=input_hw, strides=strides, padding=padding,
                         dilation=dilation)
    return lambda g, w: op(g, w)


def _conv_grad_filter(kernel_hw, strides, padding, dilation=(1, 1)):
    op = Conv2DGradFilter(kernel_hw=kernel_hw, strides=strides, padding=padding,
                          dilation=dilation)
    return lambda x, g: op(x, g)


def _depthwise(strides, padding, dilation=(1, 1)):
    op = DepthwiseConv2D(strides=strides, padding=padding, dilation=dilation)
    return lambda x, w: op(x, w)


def _depthwise_grad_input(input_hw, strides, padding, dilation=(1, 1)):
    op = DepthwiseConv2DGradInput(input_hw=input_hw, strides=strides, padding=padding,
                                  dilation=dilation)
    return lambda g, w: op(g, w)


def _depthwise_grad_filter(kernel_hw, strides, padding, dilation=(1, 1)):
    op = DepthwiseConv2DGradFilter(kernel_hw=kernel_hw, strides=strides, padding=padding,
                                   dilation=dilation)
    return lambda x, g: op(x, g)


SPECS = [
    Spec('Add', B.add, [(3, 4), (4,)]),
    Spec('Sub', B.sub, [(3, 1), (3, 4)]),
    Spec('Mul', B.mul, [(2, 3, 4), (3, 1)]),
    Spec('Div', B.div, [(3, 4), (3, 4)], domain=(0.5, 2.0)),
    Spec('Pow', B.power, [(3, 4), (3, 4)], domain=(0.5, 2.0)),
    Spec('Maximum', B.maximum, [(3, 4), (3, 4)]),
    Spec('Minimum', B.minimum, [(3, 4), (4,)]),
    Spec('Greater', B.greater, [(3, 4), (3, 4)], grad=False),
    Spec('GreaterEqual', B.greater_equal, [(3, 4), (3, 4)], grad=False),
    Spec('Less', B.less, [(3, 4), (3, 4)], grad=False),
    Spec('LessEqual', B.less_equal, [(3, 4), (3, 4)], grad=False),
    Spec('Equal', lambda a, b: B.equal(B.round_(a), B.round_(b)), [(5, 4), (5, 4)],
         grad=False, covers=('Round',)),
    Spec('NotEqual', lambda a, b: B.not_equal(B.round_(a), B.round_(b)), [(5, 4), (5, 4)],
         grad=False),
    Spec('And', lambda a, b: B.logical_and(B.greater(a, 0), B.greater(b, 0)),
         [(3, 4), (3, 4)], grad=False),
    Spec('Or', lambda a, b: B.logical_or(B.greater(a, 0), B.greater(b, 0)),
         [(3, 4), (3, 4)], grad=False),
    Spec('Not', lambda a: B.logical_not(B.greater(a, 0)), [(3, 4)], grad=False),
    Spec('Neg', B.neg, [(3, 4)]),
    Spec('FloorDiv', lambda a, b: B.floordiv(a * 3.0, b + 2.5), [(3, 4), (3, 4)],
         grad=False),
    Spec('Mod', lambda a, b: B.mod(a + 4.5, b + 2.5), [(3, 4), (3, 4)],
         domain=(0.2, 0.8)),
    Spec('Exp', B.exp, [(3, 4)]),
    Spec('Log', B.log, [(3, 4)], domain=(0.5, 3.0)),
    Spec('Log1p', B.log1p, [(3, 4)], domain=(0.0, 3.0)),
    Spec('Expm1', B.expm1, [(3, 4)]),
    Spec('Sqrt', B.sqrt, [(3, 4)], domain=(0.5, 3.0)),
    Spec('Abs', B.abs_, [(3, 4)]),
    Spec('Sign', lambda x: B.sign(x) * x, [(3, 4)], covers=('Sign',)),
    Spec('Tanh', B.tanh, [(3, 4)]),
    Spec('Sin', B.sin, [(3, 4)], domain=(-6.0, 6.0)),
    Spec('Cos', B.cos, [(3, 4)], domain=(-6.0, 6.0)),
    Spec('Sigmoid', B.sigmoid, [(3, 4)], domain=(-6.0, 6.0)),
    Spec('Relu', B.relu, [(3, 4)]),
    Spec('Softplus', B.softplus, [(3, 4)], domain=(-6.0, 6.0)),
    Spec('Square', B.square, [(3, 4)]),
    Spec('Floor', lambda x: B.floor(x) + x, [(3, 4)]),
    Spec('Round', lambda x: B.round_(x) + x, [(3, 4)]),
    Spec('StopGradient', lambda x: B.stop_gradient(x) * x, [(3, 4)], grad=False),
    Spec('Print', lambda x: Print(message='spec row:')(x) * x, [(3, 4)]),
    Spec('Clip', lambda x: B.clip(x, -0.5, 0.7), [(3, 4)]),
    Spec('Cast', lambda x: B.cast(x, 'float32'), [(3, 4)], grad=False),
    Spec('Where', lambda c, a, b: B.where(B.greater(c, 0), a, b), [(3, 4), (3, 4), (4,)]),
    Spec('Sum', lambda x: B.reduce_sum(x, (1,)), [(3, 4, 5)]),
    Spec('Sum', lambda x: B.reduce_sum(x, (0, 2), keepdims=True), [(3, 4, 5)]),
    Spec('Max', lambda x: B.reduce_max(x, (2,)), [(3, 4, 5)]),
    Spec('Max', lambda x: B.reduce_max(x, (0,), keepdims=True), [(3, 4)]),
    Spec('Min', lambda x: B.reduce_min(x, (2,)), [(3, 4, 5)]),
    Spec('Min', lambda x: B.reduce_min(x, (0,), keepdims=True), [(3, 4)]),
    Spec('Prod', lambda x: B.reduce_prod(x, (1,)), [(3, 4, 5)]),
    Spec('Prod', lambda x: B.reduce_prod(x, (0, 2), keepdims=True), [(3, 4, 5)],
         domain=(0.5, 1.5)),
    Spec('Sum', lambda x: B.reduce_sum(B.greater(x, 0), (1,)), [(3, 4)], grad=False),
    Spec('ArgMax', lambda x: B.argmax(x, -1), [(3, 5)], grad=False),
    Spec('Size', lambda x: B.reduce_mean(x, (0,)), [(3, 4)]),
    Spec('Reshape', lambda x: B.reshape(x, (-1, 6)), [(4, 3, 2)], covers=('ReshapeLike',)),
    Spec('Reshape', lambda x: B.reshape(x, (B.shape_of(x)[0], -1)), [(4, 3, 2)]),
    Spec('Reshape', lambda x: B.reshape(x, (-1, B.shape_of(x)[1] * 2)), [(4, 3, 2)]),
    Spec('Shape', lambda x: B.shape_of(x), [(4, 3, 2)], grad=False),
    Spec('Alloc', lambda x: B.alloc_zeros((B.shape_of(x)[0], 3, 2), x.dtype) + x,
         [(4, 3, 2)]),
    Spec('ReshapeLike', lambda x, r: B.reshape_like(x, r) * r,
         [(4, 6), (4, 3, 2)], batch_none=False),
    Spec('Transpose', lambda x: B.transpose(x, (2, 0, 1)), [(2, 3, 4)]),
    Spec('BroadcastLike', lambda x, r: B.broadcast_like(x, r) * r, [(1, 4), (3, 4)],
         batch_none=False),
    Spec('ExpandDims', lambda x: B.expand_dims(x, (1,)), [(3, 4)]),
    Spec('Squeeze', lambda x: B.squeeze(x, (1,)), [(3, 1, 4)]),
    Spec('Concat', lambda a, b: B.concat([a, b], 1), [(3, 2), (3, 4)]),
    Spec('Slice', lambda x: B.slice_axis(x, 1, 1, 3), [(3, 5)], covers=('SliceGrad',)),
    Spec('SliceGrad', lambda x: B.slice_axis(x, 1, 1, 3) * 1.0, [(3, 5)]),
    # x[...] (builders.getitem); the first axis is of unknown size (bounds resolved at run
    # time, the gradient reads its size from x): any step, ints, Ellipsis, None.
    Spec('Slice', lambda x: x[::-2, 3:0:-1], [(5, 4)], covers=('SliceGrad',)),
    Spec('Slice', lambda x: x[-1], [(4, 3)]),
    Spec('Slice', lambda x: x[1:10, ..., None, ::2], [(4, 2, 5)]),
    Spec('Slice', lambda x: x[-2:, -1, ::-3], [(3, 4, 5)], batch_none=False),
    Spec('Slice', lambda x, i: x[1:, i], [(4, 3), ()], int_inputs={1: (-3, 3)}),
    Spec('Pad', lambda x: Pad(pads=((0, 0), (1, 2), (0, 1)), value=0.0)(x), [(3, 4, 2)],
         covers=('Crop',)),
    Spec('Pad', lambda x: Pad(pads=((1, 0), (2, 2)), value=-1.5)(x), [(3, 4)],
         batch_none=False),
    Spec('Crop', lambda x: Crop(crops=((0, 0), (1, 0), (2, 1)))(x), [(3, 5, 6)],
         covers=('Pad',)),
    Spec('MatMul', B.matmul, [(3, 4), (4, 5)]),
    Spec('MatMul', lambda a, b: B.matmul(a, b, True, False), [(4, 3), (4, 5)],
         batch_none=False),
    Spec('MatMul', lambda a, b: B.matmul(a, b, False, True), [(3, 4), (5, 4)]),
    Spec('MatMul', lambda a, b: B.matmul(a, b, True, True), [(4, 3), (5, 4)],
         batch_none=False),
    Spec('Softmax', B.softmax, [(3, 5)]),
    Spec('SoftmaxCrossEntropy', lambda z, y: SoftmaxCrossEntropy()(z, y), [(4, 5), (4, 5)],
         domain=(-3.0, 3.0), covers=('SoftmaxCrossEntropyGrad',)),
    Spec('SoftmaxCrossEntropy', lambda z, y: SoftmaxCrossEntropy()(z, y), [(2, 3, 4), (4,)],
         domain=(0.0, 2.0)),
    Spec('WeightedMean', lambda s, w: WeightedMean()(s, w), [(6,), (6,)],
         domain=(0.5, 2.0), covers=('ScaleByNonzeroCount',)),
    Spec('WeightedMean', lambda s, w: WeightedMean()(s, w), [(3, 4), (3, 4)],
         domain=(-2.0, -0.5)),
    Spec('ScaleByNonzeroCount', lambda x, w, g: ScaleByNonzeroCount()(x, w, g),
         [(5,), (5,), ()], domain=(0.5, 2.0)),
    Spec('SoftmaxCrossEntropyGrad', lambda z, y, g: SoftmaxCrossEntropyGrad()(z, y, g),
         [(4, 5), (4, 5), (4,)], domain=(-2.0, 2.0), batch_none=False),
    Spec('WeightedSoftmaxCrossEntropy', lambda z, y, w: WeightedSoftmaxCrossEntropy()(z, y, w),
         [(4, 5), (4, 5), (4,)], domain=(0.5, 2.0)),
    Spec('WeightedSoftmaxCrossEntropy', lambda z, y, w: WeightedSoftmaxCrossEntropy()(z, y, w),
         [(2, 3, 4), (4,), (2, 3)], domain=(-2.0, -0.5)),
    Spec('WeightedSoftmaxCrossEntropyGrad', lambda z, y, x, w, g:
         WeightedSoftmaxCrossEntropyGrad()(z, y, x, w, g),
         [(4, 5), (4, 5), (4,), (4,), ()], domain=(0.5, 2.0), batch_none=False),
    Spec('Conv2D', _conv((1, 1), 'same'), [(2, 5, 6, 3), (3, 3, 3, 4)],
         covers=('Conv2DGradInput', 'Conv2DGradFilter')),
    Spec('Conv2D', _conv((2, 2), 'same'), [(2, 7, 6, 2), (3, 3, 2, 3)]),
    Spec('Conv2D', _conv((1, 2), 'valid'), [(2, 6, 7, 2), (2, 3, 2, 3)]),
    Spec('Conv2D', _conv((1, 1), 'same', (2, 2)), [(1, 6, 6, 2), (3, 3, 2, 2)]),
    Spec('Conv2DGradInput', _conv_grad_input((5, 6), (2, 2), 'same'),
         [(2, 3, 3, 4), (3, 3, 3, 4)], covers=('Conv2D', 'Conv2DGradFilter')),
    Spec('Conv2DGradInput', _conv_grad_input((7, 6), (2, 2), 'valid'),
         [(2, 3, 3, 2), (3, 2, 3, 2)]),
    Spec('Conv2DGradInput', _conv_grad_input((6, 6), (1, 1), 'same', (2, 2)),
         [(1, 6, 6, 2), (3, 3, 2, 2)]),
    Spec('Conv2DGradFilter', _conv_grad_filter((3, 3), (2, 2), 'same'),
         [(2, 5, 6, 3), (2, 3, 3, 4)], covers=('Conv2D', 'Conv2DGradInput')),
    Spec('Conv2DGradFilter', _conv_grad_filter((2, 3), (1, 2), 'valid'),
         [(2, 4, 7, 2), (2, 3, 3, 3)]),
    # Depthwise: multipliers 1 and 2, an even kernel with 'same' (the odd padding cell
    # after), strides with dilation.
    Spec('DepthwiseConv2D', _depthwise((1, 1), 'same'), [(2, 5, 6, 3), (3, 3, 3, 2)],
         covers=('DepthwiseConv2DGradInput', 'DepthwiseConv2DGradFilter')),
    Spec('DepthwiseConv2D', _depthwise((2, 2), 'same'), [(2, 7, 6, 2), (2, 2, 2, 1)]),
    Spec('DepthwiseConv2D', _depthwise((1, 2), 'valid', (2, 1)), [(1, 7, 7, 2), (2, 2, 2, 2)]),
    Spec('DepthwiseConv2DGradInput', _depthwise_grad_input((5, 6), (2, 2), 'same'),
         [(2, 3, 3, 6), (3, 3, 3, 2)],
         covers=('DepthwiseConv2D', 'DepthwiseConv2DGradFilter')),
    Spec('DepthwiseConv2DGradInput', _depthwise_grad_input((6, 7), (1, 1), 'valid', (2, 2)),
         [(1, 4, 5, 2), (2, 2, 2, 1)]),
    Spec('DepthwiseConv2DGradFilter', _depthwise_grad_filter((3, 3), (2, 2), 'same'),
         [(2, 5, 6, 3), (2, 3, 3, 6)], covers=('DepthwiseConv2D', 'DepthwiseConv2DGradInput')),
    Spec('DepthwiseConv2DGradFilter', _depthwise_grad_filter((2, 3), (1, 2), 'valid'),
         [(2, 4, 7, 2), (2, 3, 3, 4)]),
    Spec('MaxPool2D', lambda x: B.maxpool2d(x, (2, 2), (2, 2), 'valid'), [(2, 6, 7, 3)],
         covers=('MaxPool2DGrad',)),
    Spec('MaxPool2D', lambda x: B.maxpool2d(x, (3, 3), (2, 2), 'same'), [(2, 7, 6, 2)]),
    Spec('AvgPool2D', lambda x: B.avgpool2d(x, (2, 2), (2, 2), 'same'), [(2, 5, 6, 3)],
         covers=('AvgPool2DGrad',)),
    Spec('AvgPool2D', lambda x: B.avgpool2d(x, (3, 2), (1, 2), 'valid'), [(2, 5, 6, 3)]),
    Spec('Conv2DBiasAct', lambda x, w, b: Conv2DBiasAct(
        strides=(1, 1), padding='same', dilation=(1, 1), act='relu')(x, w, b),
        [(2, 5, 6, 3), (3, 3, 3, 4), (4,)], covers=('Conv2DGradInput', 'Conv2DGradFilter')),
    Spec('Conv2DBiasAct', lambda x, w: Conv2DBiasAct(
        strides=(1, 2), padding='valid', dilation=(1, 1), act='linear')(x, w),
        [(2, 6, 7, 2), (2, 3, 2, 3)]),
    Spec('Conv2DBiasAct', lambda x, w, b: Conv2DBiasAct(
        strides=(1, 1), padding='same', dilation=(1, 1), act='relu', region=(4, 5))(x, w, b),
        [(2, 5, 6, 3), (3, 3, 3, 4), (4,)]),
    Spec('Conv2DGradInputRegion', lambda g, w: Conv2DGradInputRegion(
        input_hw=(7, 7), strides=(1, 1), padding='same', dilation=(1, 1), region=(6, 5))(g, w),
        [(2, 7, 7, 3), (3, 3, 2, 3)], grad=False),
    Spec('Conv2DGradFilterRegion', lambda x, g: Conv2DGradFilterRegion(
        kernel_hw=(3, 3), strides=(1, 1), padding='same', dilation=(1, 1), region=(6, 6))(x, g),
        [(2, 7, 7, 2), (2, 7, 7, 3)], grad=False),
    Spec('Conv2DBiasActPool', lambda x, w, b: Conv2DBiasActPool(
        strides=(1, 1), padding='same', dilation=(1, 1), act='relu', pool_size=(2, 2),
        pool_strides=(2, 2), pool_padding='valid')(x, w, b),
        [(2, 7, 6, 2), (3, 3, 2, 3), (3,)], covers=('MaxPool2DGrad',)),
    Spec('Conv2DBiasActPool', lambda x, w: Conv2DBiasActPool(
        strides=(1, 1), padding='valid', dilation=(1, 1), act='linear', pool_size=(3, 3),
        pool_strides=(2, 2), pool_padding='same')(x, w),
        [(2, 8, 7, 2), (2, 2, 2, 3)]),
    Spec('MatMulBiasAct', lambda a, b, c: MatMulBiasAct(
        transpose_a=False, transpose_b=False, act='relu')(a, b, c), [(3, 4), (4, 5), (5,)]),
    Spec('MatMulBiasAct', lambda a, b: MatMulBiasAct(
        transpose_a=True, transpose_b=True, act='linear')(a, b), [(4, 3), (5, 4)],
        batch_none=False),
    Spec('MatMulReluGrad', lambda a, b, y: MatMulReluGrad(
        transpose_a=False, transpose_b=True)(a, b, y), [(3, 4), (5, 4), (3, 5)],
         batch_none=False),
    Spec('MatMulReluGrad', lambda a, b, y: MatMulReluGrad(
        transpose_a=True, transpose_b=False)(a, b, y), [(4, 3), (4, 5), (3, 5)],
         batch_none=False),
    Spec('Gemm', _gemm(False, False, False, False), [(3, 5), (3, 4), (4, 5), (), ()],
         batch_none=False),
    Spec('Gemm', _gemm(True, False, True, False), [(3, 5), (4, 3), (4, 5), (), ()],
         batch_none=False),
    Spec('Gemm', _gemm(False, True, False, True), [(3, 5), (3, 4), (5, 4), (), ()],
         batch_none=False),
    Spec('Gemm', _gemm(True, True, True, True), [(3, 5), (4, 3), (5, 4), (), ()],
         batch_none=False),
    Spec('GemmUpdate', _gemm_update(True, False, False, True),
         [(3, 5), (4, 3), (4, 5), (), (), (3, 5)], batch_none=False),
    Spec('GemmUpdate', _gemm_update(False, True, True, False),
         [(3, 5), (3, 4), (5, 4), (), (), (3, 5)], batch_none=False),
    Spec('Part', lambda x: Part(index=1)(x), [(3, 2, 4)], batch_none=False),
    Spec('ScaledUpdate', _scaled_update(0, True, False), [(3, 5), (3, 5), (), (), (3, 5)],
         batch_none=False),
    Spec('ScaledUpdate', _scaled_update(1, False, True), [(5,), (4, 5), (), (), (5,)],
         batch_none=False),
    Spec('ScaledUpdate', _scaled_update(2, True, True), [(3,), (2, 4, 3), (), (), (3,)],
         batch_none=False),
    Spec('MaxPool2DReluGrad', lambda y, g: MaxPool2DReluGrad(
        pool_size=(2, 2), strides=(2, 2), padding='valid')(y, g),
        [(2, 6, 7, 3), (2, 3, 3, 3)], grad=False),
    Spec('MaxPool2DReluGrad', lambda y, g: MaxPool2DReluGrad(
        pool_size=(3, 3), strides=(2, 2), padding='same')(y, g),
        [(2, 7, 6, 2), (2, 4, 3, 2)], grad=False),
    Spec('FusedElemwise', lambda a, b: fuse_elementwise(
        [B.where(B.greater(a, 0), B.exp(a) * b, B.cast(b, 'float32') - 1.0)], [])[0],
        [(3, 4), (3, 4)], grad=False),
    Spec('FusedReduceSum', lambda a, b: fuse_elementwise(
        [B.reduce_sum(B.exp(a) * b - 1.0, (0, 2))], [])[0], [(3, 4, 5), (4, 1)], grad=False),
    Spec('FusedReduceSum', lambda a, b: fuse_elementwise(
        [B.reduce_sum(a * b, (1,), keepdims=True)], [])[0], [(3, 4), (3, 4)], grad=False),
    Spec('Gather', B.gather, [(6, 3), (4, 2)], int_inputs={1: (0, 6)},
         covers=('GatherGrad',), batch_none=False),
]

# Ops with no row of their own: exercised through another row (or stateful, tested apart).
COVERED_ELSEWHERE = {'RandomUniform': 'tests/compiler/test_random.py'}


def make_inputs(spec, dtype, rng):
    arrays = []
    for position, shape in enumerate(spec.shapes):
        if position in spec.int_inputs:
            low, high = spec.int_inputs[position]
            arrays.append(rng.randint(low, high, size=shape).astype('int64'))
        else:
            arrays.append(rng.uniform(*spec.domain, size=shape).astype(dtype))
    return arrays
