"""One pool of worker threads for every kernel, with dynamic scheduling in compiled code.

A parallel kernel is a *driver*: an `@njit(nogil=True)` function
`driver(state, slot, ...)` that claims task numbers from `state[0]` with an atomic
increment, runs them, counts each finished one in `state[1]`, and returns True when it
finished the last one (`claim_task` / `finish_task` below). `run(driver, ntasks, ...)`
calls it on the calling thread and, when there is enough work, on the pool's workers at
the same time: a thread that is slow to start or descheduled (the machine is shared) just
claims fewer tasks. `slot` numbers the threads 0..threads-1, so a driver can use scratch
buffers indexed by it. The functions a driver calls on its tasks are `inline='always'`
and reached only through the driver (a single-block call runs the driver with one task):
Numba compiles a callee on its own, then optimises it again inside each caller's module,
so a driver and its block cost two compiles of the block (the seed CNN's cold compile:
46 Numba compiles in 15.3 s serially, 30 in 12.8 s inlined; 7.2-7.7 s against 7.8-8.3 s
with the compile helper).

Why not Numba's `prange`: its OpenMP workers split loops statically and spin-wait, and a
second pool (BLAS, numpy) fighting them on two cores halves the speed of both; `prange`
kernels also take seconds each to compile. Here BLAS is called single-threaded from
inside the tasks (one pool at a time), and a worker spins only briefly (PARK_SECONDS,
without the GIL) for the next job before it sleeps: waking a sleeping thread took 30-70
us here, a large share of a 0.5 ms product, while parallel kernels follow each other
within a few hundred microseconds (1 ms rather than 0.2: the MLP 784-512-512-10's run of
small kernels between two products outlasts 0.2 ms when the machine is slow; its step
0.944, 0.976, 0.973, 0.988, 0.999 of the time, the seed CNN's 1.006, 0.996).
The caller likewise spins (JOIN_SECONDS, 2 ms) for the workers' last tasks before it
blocks: a worker preempted mid-task by another process (the busy period of a load on its
CPU) then costs no wake-up on top (MLP 784-512-512-10 step beside a 2 ms busy / 5 ms idle
load on one CPU: 0.858, 0.956 of the time with 0.2 ms; 1 ms / 6 ms: 0.927; without the
load 1.006, 0.973, 1.001; the seed CNN's 0.996, and 1.006 beside the load).

After a job handed over to the worker (`wait_for_worker`) that the worker took part in,
the caller also waits, without the GIL, for the worker to be back in its spin (`park`,
`wait_parked`): returning from a job, each thread takes the GIL for a few microseconds,
and the one that found it taken slept until woken, 5-70 us here; the next job's hand-over
then waited for a sleeping worker (MLP 784-512-512-10 step: hand-overs 44 instead of 64
us per step, the step 0.988, 0.988, 0.999 of the time).
"""
import math
import os
import platform
import queue
import threading
import time

import numpy as np
from llvmlite import ir
from numba import config, njit, types
from numba.core import cgutils
from numba.extending import intrinsic


def default_threads():
    """NUMBA_NUM_THREADS when set, else the CPUs this process may run on (1 under
    NUMBA_DISABLE_JIT: the drivers then run as Python, without atomic operations)."""
    if config.DISABLE_JIT:
        return 1
    configured = os.environ.get('NUMBA_NUM_THREADS')
    if configured:
        return max(1, int(configured))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


@intrinsic
def _fetch_add(typingctx, array, index):
    """Atomically add 1 to array[index] (int64) and return its previous value."""
    if not (isinstance(array, types.Array) and array.dtype == types.int64):
        return None
    sig = types.int64(array, index)

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, array_type, view, [args[1]])
        one = ir.Constant(ir.IntType(64), 1)
        return builder.atomic_rmw('add', pointer, one, 'seq_cst')
    return sig, codegen


PARK_SECONDS = 1e-3      # a worker's spin for the next job before it sleeps
JOIN_SECONDS = 2e-3      # the caller's spin for the workers' last tasks before it sleeps
SPIN_SECONDS = 2e-4      # the unit: the caller's wait for a worker to park; 1/8: to claim
_X86 = platform.machine().lower() in ('x86_64', 'amd64', 'i386', 'i686')


@intrinsic
def _load(typingctx, array, index):
    """array[index] (int64) read with an atomic acquire load (sees other threads' writes)."""
    if not (isinstance(array, types.Array) and array.dtype == types.int64):
        return None
    sig = types.int64(array, index)

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, array_type, view, [args[1]])
        return builder.load_atomic(pointer, 'acquire', 8)
    return sig, codegen


@intrinsic
def _pause(typingctx):
    """The x86 spin-wait hint (nothing elsewhere)."""
    sig = types.void()

    def codegen(context, builder, signature, args):
        if _X86:
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(
                ir.VoidType(), []), 'llvm.x86.sse2.pause')
            builder.call(fn, [])
        return context.get_dummy_value()
    return sig, codegen


@intrinsic
def _store(typingctx, array, index, value):
    """array[index] = value (int64) with an atomic release store."""
    if not (isinstance(array, types.Array) and array.dtype == types.int64):
        return None
    sig = types.void(array, index, value)

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, array_type, view, [args[1]])
        value = context.cast(builder, args[2], signature.args[2], types.int64)
        builder.store_atomic(value, pointer, 'release', 8)
        return context.get_dummy_value()
    return sig, codegen


if config.DISABLE_JIT:
    # NUMBA_DISABLE_JIT=1 (debugging, coverage): intrinsics cannot run as Python, so these
    # plain stand-ins replace them; every job then runs on the calling thread alone
    # (`default_threads`), where plain reads and writes are enough.
    def _fetch_add(array, index):  # noqa: F811
        previous = int(array[index])
        array[index] = previous + 1
        return previous

    def _load(array, index):  # noqa: F811
        return int(array[index])

    def _pause():  # noqa: F811
        pass

    def _store(array, index, value):  # noqa: F811
        array[index] = value


@njit(cache=True, nogil=True, error_model="numpy")
def wait_parked(parked, count, target, spins):
    """Spin (without the GIL) until workers 1..count-1 have all parked after job number
    `target`, at most `spins` times; True when they have."""
    for _ in range(spins):
        ready = True
        for slot in range(1, count):
            if _load(parked, slot) < target:
                ready = False
        if ready:
            return True
        _pause()
    return False


@njit(cache=True, nogil=True, error_model="numpy")
def spin_while_equal(array, index, value, spins):
    """Spin (without the GIL) while array[index] == value, at most `spins` times; True
    when it changed."""
    for _ in range(spins):
        if _load(array, index) != value:
            return True
        _pause()
    return False


@njit(cache=True, nogil=True, error_model="numpy")
def park(posted, parked, slot, taken, spins):
    """A worker back from its job number `taken`: say so (parked[slot] = taken), then
    spin (without the GIL) while posted[slot] == taken, at most `spins` times; True when
    a new job was posted."""
    _store(parked, slot, taken)
    return spin_while_equal(posted, slot, taken, spins)


@njit(cache=True, nogil=True, error_model="numpy")
def hand_over(posted, count, state, spins):
    """Post a job to workers 1..count-1 (posted[slot] += 1) without holding the GIL, then
    spin while none of its tasks is claimed (state[0] == 0), at most `spins` times."""
    for slot in range(1, count):
        _fetch_add(posted, slot)
    for _ in range(spins):
        if _load(state, 0) != 0:
            return
        _pause()


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def claim_task(state):
    """The next unclaimed task number (>= the task count when all are taken)."""
    return _fetch_add(state, 0)


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def finish_task(state, ntasks):
    """Count one finished task; True for the thread that finished the last one."""
    return _fetch_add(state, 1) == ntasks - 1


@njit(cache=True, nogil=True, error_model="numpy", inline='always')
def wait_finished(state, count):
    """Spin until at least `count` tasks have finished (a barrier inside a driver whose
    later tasks read what its first `count` tasks wrote: tasks are claimed in order, so
    those are claimed by running threads, which finish them)."""
    while _load(state, 1) < count:
        _pause()


class _Job:
    def __init__(self, driver, ntasks, args):
        self.driver, self.ntasks, self.args = driver, ntasks, args
        self.state = np.zeros(2, np.int64)
        self.finished = threading.Lock()
        self.finished.acquire()
        self.error = None


def _spins():
    """spin_while_equal iterations lasting about SPIN_SECONDS (measured once)."""
    flag = np.zeros(1, np.int64)
    spin_while_equal(flag, 0, 0, 10)
    start = time.perf_counter()
    spin_while_equal(flag, 0, 0, 20000)
    return max(1, int(20000 * SPIN_SECONDS / max(time.perf_counter() - start, 1e-9)))


class _Pool:
    """Worker threads (slots 1..threads-1) that run jobs given to them; slot 0 is the
    caller. posted[slot] counts the jobs given to each worker (the spin flag)."""

    def __init__(self, threads):
        self.threads = threads
        self.spins = _spins()
        self.posted = np.zeros(threads, np.int64)
        self.parked = np.zeros(threads, np.int64)
        self.park_spins = int(self.spins * PARK_SECONDS / SPIN_SECONDS)
        self.join_spins = int(self.spins * JOIN_SECONDS / SPIN_SECONDS)
        self.queues = []
        for slot in range(1, threads):
            inbox = queue.SimpleQueue()
            threading.Thread(target=self._work, args=(inbox, slot), daemon=True,
                             name=f'symkeras-kernel-{slot}').start()
            self.queues.append(inbox)

    def _work(self, inbox, slot):
        taken = 0
        while True:
            park(self.posted, self.parked, slot, taken, self.park_spins)  # hot hand-over
            job = inbox.get()                                             # else sleep
            taken += 1
            try:
                if job.driver(job.state, slot, *job.args):
                    job.finished.release()
            except BaseException as error:   # hand it to the caller, keep the worker
                job.error = error
                job.finished.release()

    def run(self, driver, ntasks, args, threads, wait_for_worker=False):
        job = _Job(driver, ntasks, args)
        for inbox in self.queues[:threads - 1]:
            inbox.put(job)
        joined = False
        if wait_for_worker:
            hand_over(self.posted, threads, job.state, self.spins // 8)
            joined = threads == 2 and job.state[0] != 0
        else:
            for slot in range(1, threads):
                self.posted[slot] += 1
        finished_last = driver(job.state, 0, *args)
        # When the worker took a task, wait until it is back in its spin: then it has
        # finished, so the job has (job.error is set first), and neither thread waits
        # for the GIL the other holds.
        parked = joined and wait_parked(self.parked, threads, self.posted[1], self.spins)
        if not parked and not finished_last:
            # A worker still runs the last task it claimed: spin briefly, then sleep.
            done = int(job.state[1])
            while done < ntasks and spin_while_equal(job.state, 1, done, self.join_spins):
                done = int(job.state[1])
            if done < ntasks or job.error is not None:
                job.finished.acquire()
        if job.error is not None:
            raise job.error


_pool = None
_threads = default_threads()


def _forget_pool():
    """After fork() the workers do not exist in the child: build a new pool on demand."""
    global _pool
    _pool = None


if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=_forget_pool)


def threads():
    """The number of threads parallel kernels use (the caller included)."""
    return _threads


def set_threads(count):
    """Use `count` threads (the caller included) from now on.

    Args:
        count: positive int.

    Returns:
        The previous count.
    """
    global _threads, _pool
    if int(count) < 1:
        raise ValueError(f"set_threads: expected a positive thread count, received {count}")
    previous, _threads = _threads, int(count)
    if _pool is not None and _pool.threads < _threads:
        _pool = None
    return previous


def run(driver, ntasks, *args, parallel=True, wait_for_worker=False):
    """Run `driver(state, slot, *args)` over `ntasks` tasks on up to `threads()` threads.

    Args:
        driver: a nogil compiled driver (see the module docstring).
        ntasks: number of tasks.
        *args: the driver's remaining arguments.
        parallel: False runs every task on the calling thread (small problems: waking a
            worker costs more than the work).
        wait_for_worker: post the job from compiled code, without the GIL, and wait up to
            SPIN_SECONDS / 8 for a worker to claim a task before the caller starts (see
            `hand_over`). A spinning worker that sees a job while the caller still holds
            the GIL sleeps on the GIL and starts 25-30 us after the caller; this way it
            starts first, with the GIL free. For jobs of a few equal tasks (the GEMMs'
            blocks), whose end waits for the later thread: measured on the MLP
            784-512-512-10 step, 0.971-0.986 of the time (median of 5 A/B runs 0.981).
            Jobs of many tasks (convolutions) gained nothing (the seed CNN's step: median
            1.022 over 7 runs with every job handed over this way).
    """
    global _pool
    count = min(_threads, ntasks) if parallel else 1
    if count <= 1:
        driver(np.zeros(2, np.int64), 0, *args)
        return
    if _pool is None or _pool.threads < count:
        _pool = _Pool(max(count, _threads))
    _pool.run(driver, ntasks, args, count, wait_for_worker)


_scratch = threading.local()


def scratch(name, shape, dtype):
    """A reusable uninitialised array of `shape`: one buffer per (name, dtype) and calling
    thread, grown as needed (kernels run one at a time per calling thread)."""
    try:
        buffers = _scratch.buffers
    except AttributeError:
        buffers = _scratch.buffers = {}
    size = math.prod(shape)
    key = (name, dtype)
    buffer = buffers.get(key)
    if buffer is None or buffer.size < size:
        buffer = buffers[key] = np.empty(max(size, 1), dtype)
    return buffer[:size].reshape(shape)
