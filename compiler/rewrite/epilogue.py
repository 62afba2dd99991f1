"""Epilogue fusion: products absorb their bias, activation and max pooling; the gradient
through relu + max pooling becomes one op.

Runs after differentiation (compile time) and before elementwise fusion. Rules, each at
the node that ends the pattern; inner nodes must have no other reader:
- fuse_conv_pool:  maxpool(act(conv(x, w) + b))   -> Conv2DBiasActPool (inference)
- fuse_epilogue:   act(conv(x, w) + b)            -> Conv2DBiasAct
                   act(matmul(a, w) + b)          -> MatMulBiasAct
  (bias and activation each optional; activations: relu; b of shape (F,))
- fuse_reshaped_bias: reshape(matmul(a, w)) + b   -> reshape(MatMulBiasAct(a, w, b))
  (the reshape keeps the last axis, F: a Dense layer or an RNN's input projection over a
  sequence; the bias otherwise costs a pass over the whole output)
- fuse_relu_pool_grad: maxpool_grad(y, g) * cast(y > 0) -> MaxPool2DReluGrad(y, g)
- fuse_matmul_relu_grad: matmul(a, b) * cast(y > 0)  -> MatMulReluGrad(a, b, y)
- fuse_gemm:       t * z +/- s * matmul(a, b)         -> Gemm(z, a, b, s, t)
  (Add or Sub, terms in either order, each product in either order; s and t 0-d of the
  product's dtype, each optional (then a constant 1); z of the product's static shape
  and dtype: the SGD update momentum * m - lr * g becomes one GEMM writing the new m)
- pair_gemm_updates (pairs.py): p + Gemm(...), the Gemm also read elsewhere
                                                  -> Parts of GemmUpdate (v, p + v)
- pair_scaled_updates (pairs.py): p + v, v = t * z +/- s * g (or s * Sum(g) over g's
  leading axes: a bias's gradient), v also read elsewhere -> Parts of ScaledUpdate
- fuse_weighted_losses (losses.py): the weighted softmax cross-entropy and its logits'
  gradient, two ops each            -> one op each

Then `restrict_regions` lets a convolution compute only what a following valid max pooling
reads (a 7x7 map pooled 2x2 to 3x3: its top-left 6x6), and the convolution gradients skip
the output pixels where the pooling gradient is zero (Conv2DGradInputRegion,
Conv2DGradFilterRegion): a quarter of the seed CNN's third layer.

Log entries read "first -> last: what" (the nodes a pattern spans): the fused node keeps
the last one's name, as fused elementwise nodes do, and it is not credited as the
producer of the fresh nodes of other rewrites that read it (compiler.inspect).

First, `relu_masks_read_outputs` rewrites the relu gradient's mask cast(p > 0) into
cast(relu(p) > 0) (the same values: relu(p) > 0 exactly when p > 0), so that the
pre-activation p has no reader left but the relu and can stay inside the fused kernel.
"""
from ..graph import rebuild
from ..ir import toposort
from ..ops.elementwise import Greater
from ..ops.fused_nn import (Conv2DBiasAct, Conv2DBiasActPool, Conv2DGradFilterRegion,
                            Conv2DGradInputRegion, Gemm, MatMulBiasAct, MatMulReluGrad,
                            MaxPool2DReluGrad, covered)
from .losses import fuse_weighted_losses
from .pairs import pair_gemm_updates, pair_scaled_updates
from .patterns import is_constant, is_op, or_one, readers as _readers

ACTIVATIONS = {'Relu': 'relu'}
CORES = ('Conv2D', 'MatMul')


def relu_masks_read_outputs(roots, log):
    """Replace Greater(p, 0) by Greater(relu(p), 0) wherever relu(p) exists."""
    order = toposort(list(roots))
    relu_of = {node.inputs[0].id: node for node in order if is_op(node, 'Relu')}
    replace = {}
    for node in order:
        if is_op(node, 'Greater') and node.inputs[0].id in relu_of and \
                is_constant(node.inputs[1], 0):
            relu = relu_of[node.inputs[0].id]
            new = Greater()(relu, node.inputs[1])
            new.name, new.source = node.name, node.source
            replace[node.id] = new
            log.append(('epilogue', 'relu_mask_reads_output', f"{node.inputs[0].name} -> "
                        f"{relu.name}: {node.name} reads {relu.name} > 0"))
    if not replace:
        return list(roots)
    return rebuild(list(roots), replace)[0]


class _Fuser:
    """State of one pass: the readers of the original graph and the rebuilt nodes."""

    def __init__(self, roots, log):
        self.roots, self.log = list(roots), log
        self.order = toposort(self.roots)
        self.readers = _readers(self.order, self.roots)
        self.new = {}

    def only_reader(self, node):
        """The single node reading `node`, or None (several readers, or an output)."""
        found = self.readers.get(node.id, [])
        return found[0] if len(found) == 1 else None

    def value_readers(self, node):
        """The readers of `node` (None: the outside, when it is an output) other than
        those reading only its shape (reshape_like's reference)."""
        return [r for r in self.readers.get(node.id, [])
                if not (is_op(r, 'ReshapeLike') and r.inputs[0] is not node)]

    def run(self):
        rules = (self.fuse_conv_pool, self.fuse_epilogue, self.fuse_reshaped_bias,
                 self.fuse_relu_pool_grad, self.fuse_matmul_relu_grad, self.fuse_gemm)
        for node in self.order:
            fused = None
            for rule in rules if node.op is not None else ():
                fused = rule(node)
                if fused is not None:
                    break
            self.new[node.id] = fused if fused is not None else self.rebuilt(node)
        return [self.new[r.id] for r in self.roots]

    def rebuilt(self, node):
        inputs = [self.new[i.id] for i in node.inputs]
        if all(a is b for a, b in zip(inputs, node.inputs)):
            return node
        return _named(node.op(*inputs), node)

    def chain(self, node):
        """(core, bias or None, act) when `node` ends act(core + bias) (parts optional)
        and every inner node is read only by the next one; else None."""
        act = 'linear'
        if is_op(node, *ACTIVATIONS):
            act, inner = ACTIVATIONS[type(node.op).__name__], node.inputs[0]
            if self.only_reader(inner) is not node:
                return None
            node = inner
        bias = None
        if is_op(node, 'Add'):
            found = self.split_bias(node)
            if found is None:
                return None
            node, bias = found
        if not is_op(node, *CORES) or self.only_reader(node) is None:
            return None
        if bias is None and act == 'linear':
            return None
        return node, bias, act

    def split_bias(self, add):
        """(core, bias) of core + bias (either order) with bias of shape (F,)."""
        for core, bias in (add.inputs, reversed(add.inputs)):
            if is_op(core, *CORES) and self.only_reader(core) is add and \
                    core.shape[-1] is not None and bias.shape == (core.shape[-1],) and \
                    bias.dtype == core.dtype and add.shape == core.shape:
                return core, bias
        return None

    def ends_later(self, node):
        """True when the pattern ending at `node` extends into its single reader."""
        reader = self.only_reader(node)
        if reader is None:
            return False
        if is_op(reader, *ACTIVATIONS) and is_op(node, 'Add'):
            return self.chain(reader) is not None
        return is_op(reader, 'MaxPool2D') and self.pool_chain(reader) is not None

    def pool_chain(self, pool):
        if self.only_reader(pool.inputs[0]) is not pool:
            return None
        found = self.chain(pool.inputs[0])
        if found is None and is_op(pool.inputs[0], 'Conv2D') and \
                self.only_reader(pool.inputs[0]) is pool:
            found = (pool.inputs[0], None, 'linear')
        if found is None or not is_op(found[0], 'Conv2D'):
            return None
        return found

    def fuse_conv_pool(self, node):
        if not is_op(node, 'MaxPool2D'):
            return None
        found = self.pool_chain(node)
        if found is None:
            return None
        core, bias, act = found
        conv, pool = core.op, node.op
        op = Conv2DBiasActPool(strides=conv.strides, padding=conv.padding,
                               dilation=conv.dilation, act=act, pool_size=pool.pool_size,
                               pool_strides=pool.strides, pool_padding=pool.padding)
        return self.emit('fuse_conv_pool', op, core, bias, node)

    def fuse_epilogue(self, node):
        if not is_op(node, 'Add', *ACTIVATIONS) or self.ends_later(node):
            return None
        found = self.chain(node)
        if found is None:
            return None
        core, bias, act = found
        if is_op(core, 'Conv2D'):
            conv = core.op
            op = Conv2DBiasAct(strides=conv.strides, padding=conv.padding,
                               dilation=conv.dilation, act=act)
        else:
            op = MatMulBiasAct(transpose_a=core.op.transpose_a,
                               transpose_b=core.op.transpose_b, act=act)
        return self.emit('fuse_epilogue', op, core, bias, node)

    def fuse_reshaped_bias(self, node):
        if not is_op(node, 'Add'):
            return None
        for shaped, bias in (node.inputs, reversed(node.inputs)):
            if not is_op(shaped, 'Reshape', 'ReshapeLike') or \
                    self.only_reader(shaped) is not node:
                continue
            core = shaped.inputs[0]
            # Row-major: the output's last axis is the product's columns exactly when the
            # two have the same (static) length. The product may also be read for its shape
            # only (the reshape's gradient, reshape_like(g, product)): the fused product
            # has that shape.
            if is_op(core, 'MatMul') and self.value_readers(core) == [shaped] and \
                    core.shape[-1] is not None and shaped.shape[-1] == core.shape[-1] and \
                    bias.shape == (core.shape[-1],) and bias.dtype == core.dtype and \
                    node.shape == shaped.shape and node.dtype == core.dtype:
                op = MatMulBiasAct(transpose_a=core.op.transpose_a,
                                   transpose_b=core.op.transpose_b, act='linear')
                fused = _named(op(*[self.new[i.id] for i in (*core.inputs, bias)]), core)
                self.new[core.id] = fused       # for the readers of its shape
                rest = [self.new[i.id] for i in shaped.inputs[1:]]
                self.log.append(('epilogue', 'fuse_reshaped_bias', f"{core.name} -> "
                                 f"{node.name}: {op.describe()}, then {shaped.name}"))
                return _named(shaped.op(fused, *rest), node)
        return None

    def emit(self, rule, op, core, bias, end):
        inputs = [self.new[i.id] for i in core.inputs]
        if bias is not None:
            inputs.append(self.new[bias.id])
        fused = _named(op(*inputs), end)
        self.log.append(('epilogue', rule, f"{core.name} -> {end.name}: {op.describe()}"))
        return fused

    def fuse_relu_pool_grad(self, node):
        if not is_op(node, 'Mul'):
            return None
        for routed, mask in (node.inputs, reversed(node.inputs)):
            y = _mask_of(mask, node.dtype)
            if is_op(routed, 'MaxPool2DGrad') and y is not None and \
                    routed.inputs[0] is y and self.only_reader(routed) is node and \
                    routed.shape == node.shape:
                pool = routed.op
                op = MaxPool2DReluGrad(pool_size=pool.pool_size, strides=pool.strides,
                                       padding=pool.padding)
                fused = _named(op(self.new[y.id], self.new[routed.inputs[1].id]), node)
                self.log.append(('epilogue', 'fuse_relu_pool_grad', f"{routed.name} -> "
                                 f"{node.name}: {routed.name} * ({y.name} > 0)"))
                return fused
        return None

    def fuse_matmul_relu_grad(self, node):
        if not is_op(node, 'Mul'):
            return None
        for core, mask in (node.inputs, reversed(node.inputs)):
            y = _mask_of(mask, node.dtype)
            if is_op(core, 'MatMul') and y is not None and self.only_reader(core) is node \
                    and y.shape == core.shape == node.shape and y.dtype == node.dtype:
                op = MatMulReluGrad(transpose_a=core.op.transpose_a,
                                    transpose_b=core.op.transpose_b)
                inputs = [self.new[i.id] for i in (*core.inputs, y)]
                fused = _named(op(*inputs), node)
                self.log.append(('epilogue', 'fuse_matmul_relu_grad', f"{core.name} -> "
                                 f"{node.name}: {core.name} * ({y.name} > 0)"))
                return fused
        return None

    def fuse_gemm(self, node):
        if not is_op(node, 'Add', 'Sub'):
            return None
        for position in (0, 1):
            found = self.scaled_product(node.inputs[position], node)
            if found is None:
                continue
            core, alpha = found
            z, beta = self.scaled_term(node.inputs[1 - position], node)
            if not (z.shape == core.shape == node.shape and
                    z.dtype == core.dtype == node.dtype):
                continue
            subtract = is_op(node, 'Sub')
            op = Gemm(transpose_a=core.op.transpose_a, transpose_b=core.op.transpose_b,
                      negate_alpha=subtract and position == 1,
                      negate_beta=subtract and position == 0)
            inputs = [z, *core.inputs, or_one(alpha, node.dtype), or_one(beta, node.dtype)]
            fused = _named(op(*[self.new.get(i.id, i) for i in inputs]), node)
            self.log.append(('epilogue', 'fuse_gemm', f"{core.name} -> {node.name}: "
                             f"{op.describe()}"))
            return fused
        return None

    def scaled_product(self, term, end):
        """(matmul, scale or None) when term is a matmul or scale * matmul (either order,
        scale 0-d of its dtype), read only by `end` (the matmul only by the product)."""
        if is_op(term, 'MatMul') and self.only_reader(term) is end:
            return term, None
        if not is_op(term, 'Mul') or self.only_reader(term) is not end:
            return None
        for core, scale in (term.inputs, reversed(term.inputs)):
            if is_op(core, 'MatMul') and self.only_reader(core) is term and \
                    _is_scale(scale, core.dtype):
                return core, scale
        return None

    def scaled_term(self, term, end):
        """(z, scale) when term is scale * z (either order, scale 0-d of its dtype) read
        only by `end`, else (term, None)."""
        if is_op(term, 'Mul') and self.only_reader(term) is end:
            for z, scale in (term.inputs, reversed(term.inputs)):
                if _is_scale(scale, term.dtype) and z.shape == term.shape:
                    return z, scale
        return term, None


def _is_scale(node, dtype):
    return node.shape == () and node.dtype == dtype


def _mask_of(node, dtype):
    """y when node is cast(y > 0) to `dtype`, else None."""
    if not (is_op(node, 'Cast') and node.dtype == dtype):
        return None
    test = node.inputs[0]
    if is_op(test, 'Greater') and is_constant(test.inputs[1], 0):
        return test.inputs[0]
    return None


def _named(tensor, like):
    tensor.name, tensor.source = like.name, like.source
    return tensor


POOL_READERS = ('MaxPool2D', 'MaxPool2DGrad', 'MaxPool2DReluGrad')


def _pool_region(pool_node):
    """The top-left part of the pooled input that the pooling reads (or routes to)."""
    op, hw = pool_node.op, pool_node.inputs[0].shape[1:3]
    if None in hw:
        return None
    return covered(op.pool_size, op.strides, op.padding, hw)


def _read_region(node, readers):
    """(rows, cols) when every reader of node is a pooling reading only that top-left part
    of it (smaller than all of it), else None."""
    found = readers.get(node.id, [])
    if not found or any(r is None or not is_op(r, *POOL_READERS) or r.inputs[0] is not node
                        for r in found):
        return None
    regions = [_pool_region(r) for r in found]
    if None in regions:
        return None
    region = (max(r[0] for r in regions), max(r[1] for r in regions))
    return region if region != tuple(node.shape[1:3]) else None


def _zero_region(g):
    """(rows, cols) outside which the pooling gradient g is zero, when smaller than g."""
    if not is_op(g, 'MaxPool2DGrad', 'MaxPool2DReluGrad'):
        return None
    region = _pool_region(g)
    return region if region is not None and region != tuple(g.shape[1:3]) else None


def _with_region(node, inputs, readers):
    """The node recomputed over its region, or None."""
    op = node.op
    if type(op) is Conv2DBiasAct and op.region is None:
        region = _read_region(node, readers)
        if region is not None:
            return Conv2DBiasAct(strides=op.strides, padding=op.padding,
                                 dilation=op.dilation, act=op.act, region=region)(*inputs)
    kinds = {'Conv2DGradInput': (0, Conv2DGradInputRegion, 'input_hw'),
             'Conv2DGradFilter': (1, Conv2DGradFilterRegion, 'kernel_hw')}
    if type(op).__name__ in kinds:
        position, cls, size = kinds[type(op).__name__]
        region = _zero_region(node.inputs[position])
        if region is not None:
            return cls(strides=op.strides, padding=op.padding, dilation=op.dilation,
                       region=region, **{size: getattr(op, size)})(*inputs)
    return None


def restrict_regions(roots, log):
    """Convolutions compute, and their gradients read, only what poolings keep."""
    order = toposort(list(roots))
    readers = _readers(order, roots)
    new = {}
    for node in order:
        inputs = [new[i.id] for i in node.inputs]
        found = _with_region(node, inputs, readers) if node.op is not None else None
        if found is not None:
            log.append(('epilogue', 'restrict_region',
                        f"{node.name} -> {node.name}: {found.op.describe()}"))
            new[node.id] = _named(found, node)
        elif all(a is b for a, b in zip(inputs, node.inputs)):
            new[node.id] = node
        else:
            new[node.id] = _named(node.op(*inputs), node)
    return [new[r.id] for r in roots]


def fuse_epilogues(roots, log):
    """The epilogue pass: returns new roots; appends the rules that fired to `log`."""
    roots = relu_masks_read_outputs(roots, log)
    roots = _Fuser(roots, log).run()
    roots = pair_gemm_updates(roots, log)
    roots = pair_scaled_updates(roots, log)
    roots = fuse_weighted_losses(roots, log)
    return restrict_regions(roots, log)
