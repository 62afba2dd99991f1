"""The kernel thread pool: every task runs once, errors reach the caller, serial path."""
import os
import time

import numba
import numpy as np
import pytest
from numba import njit

from runtime.kernels import allocator, threads
from runtime.kernels.threads import claim_task, finish_task


@njit(nogil=True)
def _record(state, slot, ntasks, who, fail_at):
    last = False
    while True:
        k = claim_task(state)
        if k >= ntasks:
            return last
        if k == fail_at:
            raise ValueError('task failed')
        who[k] = slot + 1
        last = finish_task(state, ntasks) or last


@pytest.mark.parametrize('wait_for_worker', [False, True])
@pytest.mark.parametrize('count', [1, 2, 3])
@pytest.mark.parametrize('ntasks', [1, 5, 64])
def test_every_task_runs_exactly_once(count, ntasks, wait_for_worker):
    previous = threads.set_threads(count)
    try:
        for parallel in (True, False):
            for _ in range(3):     # workers spinning from the last job, then asleep
                who = np.zeros(ntasks, np.int64)
                threads.run(_record, ntasks, ntasks, who, -1, parallel=parallel,
                            wait_for_worker=wait_for_worker)
                assert (who >= 1).all() and (who <= count).all()
                if not parallel:
                    assert (who == 1).all()       # the calling thread is slot 0
            time.sleep(2 * threads.PARK_SECONDS)
    finally:
        threads.set_threads(previous)


def test_hand_over_posts_to_every_worker_and_waits_only_for_a_claim():
    """hand_over (wait_for_worker's post, made without the GIL) bumps each worker's
    counter once, returns at once when a task is already claimed and after its spins
    when none is. (Whether a worker then starts first is timing: benchmarks/ measure it.)"""
    posted = np.zeros(3, np.int64)
    threads.hand_over(posted, 3, np.array([1, 0], np.int64), 1 << 20)   # claimed: returns
    assert posted.tolist() == [0, 1, 1]
    threads.hand_over(posted, 2, np.zeros(2, np.int64), 1000)          # unclaimed: spins
    assert posted.tolist() == [0, 2, 1]


def test_park_and_wait_parked_follow_the_job_counts():
    """A worker parks after job n (parked[slot] = n) and spins for job n + 1; the caller's
    wait_parked returns True once every worker has parked after its job, else after its
    spins."""
    posted, parked = np.array([0, 3, 3], np.int64), np.zeros(3, np.int64)
    assert not threads.park(posted, parked, 1, 3, 100)        # no new job: spins out
    assert parked.tolist() == [0, 3, 0]
    assert not threads.wait_parked(parked, 3, 3, 100)         # slot 2 not back yet
    assert threads.park(posted, parked, 2, 2, 1 << 20)        # job 3 is waiting for it
    assert parked.tolist() == [0, 3, 2]
    threads.park(posted, parked, 2, 3, 10)
    assert threads.wait_parked(parked, 3, 3, 1 << 20)


def test_after_a_shared_job_the_caller_waits_for_the_worker_to_park(monkeypatch):
    """When the worker took a task of a handed-over job, the caller returns once the
    worker is back in its spin for the next job number (so the two never wait for the GIL
    on each other); when it did not, or the job was not handed over, it does not wait."""
    calls = []
    original = threads.wait_parked

    def spy(parked, count, target, spins):
        back = original(parked, count, target, spins)
        calls.append((target, back, int(parked[1])))
        return back
    monkeypatch.setattr(threads, 'wait_parked', spy)
    previous = threads.set_threads(2)
    try:
        for wait_for_worker in (False, True):
            for ntasks in (2, 64):
                for _ in range(10):
                    del calls[:]
                    who = np.zeros(ntasks, np.int64)
                    threads.run(_record, ntasks, ntasks, who, -1,
                                wait_for_worker=wait_for_worker)
                    assert (who >= 1).all()
                    pool = threads._pool
                    if not wait_for_worker:
                        assert calls == []
                    elif calls:
                        target, back, parked = calls[0]
                        assert target == pool.posted[1]
                        assert not back or parked >= target
    finally:
        threads.set_threads(previous)


def test_an_error_in_a_task_reaches_the_caller_and_the_pool_survives():
    previous = threads.set_threads(2)
    try:
        for _ in range(3):
            with pytest.raises(ValueError, match='task failed'):
                threads.run(_record, 40, 40, np.zeros(40, np.int64), 7)
        who = np.zeros(40, np.int64)
        threads.run(_record, 40, 40, who, -1)
        assert (who >= 1).all()
    finally:
        threads.set_threads(previous)


def test_set_threads_validates_and_returns_the_previous_count():
    previous = threads.set_threads(3)
    try:
        assert threads.threads() == 3
        with pytest.raises(ValueError, match='positive thread count, received 0'):
            threads.set_threads(0)
    finally:
        assert threads.set_threads(previous) == 3


def test_scratch_buffers_are_reused_and_grown():
    first = threads.scratch('test', (4, 5), np.float32)
    again = threads.scratch('test', (2, 3), np.float32)
    assert again.base is first.base or np.shares_memory(first, again)
    bigger = threads.scratch('test', (40, 50), np.float32)
    assert bigger.shape == (40, 50) and bigger.dtype == np.float32


def test_default_threads_follows_numba_num_threads(monkeypatch):
    monkeypatch.setenv('NUMBA_NUM_THREADS', '3')
    # Under NUMBA_DISABLE_JIT the drivers run as Python (no atomics): one thread.
    assert threads.default_threads() == (1 if numba.config.DISABLE_JIT else 3)
    monkeypatch.delenv('NUMBA_NUM_THREADS')
    assert threads.default_threads() >= 1


def test_allocator_tuning_can_be_switched_off(monkeypatch):
    monkeypatch.setenv('SYMKERAS_MALLOC_TUNING', '0')
    assert allocator.keep_freed_memory() is False
    monkeypatch.delenv('SYMKERAS_MALLOC_TUNING')
    assert allocator.keep_freed_memory() in (True, False)    # False off glibc
