//! Which CPU each worker runs on. A check is a fork of its worker, and the two take turns:
//! the worker sleeps while its child runs. Keeping a worker and its children on one CPU
//! means the child's copy-on-write faults copy pages that CPU has just touched, and fork,
//! exit and copy-on-write never wait on another CPU to flush its TLB (on a VM, an interrupt
//! to a virtual CPU the host may not be running at that moment). Workers are spread over
//! the CPUs anpl may use (its own affinity, so `taskset` and cpusets are respected), the
//! least loaded first, starting from a CPU that differs from pool to pool (two anpl running
//! at once, or two pools in one, do not both begin on the first CPU); a replaced worker
//! takes the CPU its predecessor left. The pool hands
//! checks to whichever worker is idle, so a worker whose CPU is busy with something else
//! only does fewer of them. Measured in docs/benchmarks.md ("Workers on their own CPUs").
//! Only Linux pins; elsewhere, and with a single CPU, nothing changes.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Pools started so far by this process, so that each begins on a different CPU.
static POOLS: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug)]
pub(crate) struct CpuSlots {
    cpus: Vec<usize>,
    /// Where this pool begins: among equally loaded CPUs, the first at or after it.
    start: usize,
    /// Workers on each of `cpus`, by index.
    load: Mutex<Vec<usize>>,
}

/// A worker's place on one CPU, given back when the worker is dropped.
#[derive(Debug)]
pub(crate) struct CpuClaim {
    slots: Arc<CpuSlots>,
    index: usize,
}

impl CpuSlots {
    /// The CPUs this process may run on, beginning at one chosen by the process id and the
    /// number of pools this process has started.
    pub(crate) fn allowed() -> Arc<CpuSlots> {
        let start = std::process::id() as usize + POOLS.fetch_add(1, Ordering::Relaxed);
        CpuSlots::from_cpus(allowed_cpus(), start)
    }

    pub(crate) fn from_cpus(cpus: Vec<usize>, start: usize) -> Arc<CpuSlots> {
        let load = Mutex::new(vec![0; cpus.len()]);
        let start = start % cpus.len().max(1);
        Arc::new(CpuSlots { cpus, start, load })
    }

    /// The least loaded CPU for a new worker, or None when there is no choice to make.
    pub(crate) fn claim(self: &Arc<Self>) -> Option<CpuClaim> {
        if self.cpus.len() < 2 {
            return None;
        }
        let mut load = self.load.lock().ok()?;
        let n = load.len();
        let index = (0..n)
            .map(|k| (self.start + k) % n)
            .min_by_key(|&i| load[i])?;
        load[index] += 1;
        Some(CpuClaim {
            slots: Arc::clone(self),
            index,
        })
    }
}

impl CpuClaim {
    pub(crate) fn cpu(&self) -> usize {
        self.slots.cpus[self.index]
    }
}

impl Drop for CpuClaim {
    fn drop(&mut self) {
        if let Ok(mut load) = self.slots.load.lock() {
            load[self.index] = load[self.index].saturating_sub(1);
        }
    }
}

#[cfg(target_os = "linux")]
fn allowed_cpus() -> Vec<usize> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set, and sched_getaffinity writes at most
    // the size it is given.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return Vec::new();
        }
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
            .collect()
    }
}

#[cfg(not(target_os = "linux"))]
fn allowed_cpus() -> Vec<usize> {
    Vec::new()
}

/// Start the process `cmd` will run (and everything it forks) on `cpu` only.
#[cfg(target_os = "linux")]
pub(crate) fn pin_on_start(cmd: &mut tokio::process::Command, cpu: usize) {
    // SAFETY: the closure runs in the forked child before exec and only builds a cpu_set_t
    // on its stack and makes one system call, both safe after fork. A refusal (the CPU went
    // offline meanwhile) leaves the worker unpinned, which is only slower.
    unsafe {
        cmd.pre_exec(move || {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn pin_on_start(_cmd: &mut tokio::process::Command, _cpu: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_spread_over_cpus_and_a_replacement_takes_the_freed_one() {
        let slots = CpuSlots::from_cpus(vec![2, 5], 0);
        let a = slots.claim().unwrap();
        let b = slots.claim().unwrap();
        let c = slots.claim().unwrap();
        assert_eq!((a.cpu(), b.cpu(), c.cpu()), (2, 5, 2));
        drop(b);
        assert_eq!(slots.claim().unwrap().cpu(), 5);
        drop(a);
        drop(c);
        let d = slots.claim().unwrap();
        assert_eq!(d.cpu(), 2);
    }

    #[test]
    fn one_cpu_or_none_means_no_pinning() {
        assert!(CpuSlots::from_cpus(vec![3], 7).claim().is_none());
        assert!(CpuSlots::from_cpus(Vec::new(), 7).claim().is_none());
    }

    #[test]
    fn pools_begin_where_they_are_told_so_that_one_worker_pools_spread() {
        let first: Vec<usize> = (0..4)
            .map(|start| {
                CpuSlots::from_cpus(vec![0, 1, 2], start)
                    .claim()
                    .unwrap()
                    .cpu()
            })
            .collect();
        assert_eq!(first, vec![0, 1, 2, 0]);
        let slots = CpuSlots::from_cpus(vec![0, 1, 2], 2);
        let claims: Vec<CpuClaim> = (0..4).map(|_| slots.claim().unwrap()).collect();
        let cpus: Vec<usize> = claims.iter().map(CpuClaim::cpu).collect();
        assert_eq!(cpus, vec![2, 0, 1, 2]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_may_run_on_some_cpu() {
        assert!(!allowed_cpus().is_empty());
    }
}
