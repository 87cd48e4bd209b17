//go:build linux && (amd64 || arm64)

package attach

import (
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Terminal writes that keep the P, bounded by a timer.
//
// While attached, sshdash runs on one P (cmd/sshdash/procs.go), and bulk
// output spends most of its time in write(2) to the terminal, waiting for
// the terminal to read. An ordinary write tells the runtime it is in a
// system call; after 20 µs the runtime's monitor takes the P back, starts
// another thread to look for work (there is none: the transport waits for
// this very write, see session/pace.go), and then keeps polling every
// 20 µs for a millisecond. Measured on bulk output, that churn was a
// quarter to a third of sshdash's CPU: thousands of extra wakeups, thread
// handoffs and epoll calls a second.
//
// ssh simply blocks in write(2). rawOutput does the same with a raw
// system call, which keeps the P, so none of that happens. Keeping the P
// means nothing else in the process runs during the write, which is
// acceptable only for a bounded time: heartbeats, keys and other sessions
// must go on when the terminal stops reading (a suspended or frozen
// terminal emulator, a blocked screen display, an outer ssh on a dead
// link). So each raw write is bounded by a per-thread timer: after
// rawBudget it delivers stallSignal, which ends the write (with what was
// written, or EINTR if nothing was), and the rest goes through the
// ordinary write, which gives the P up. The kernel restarts a write
// interrupted by a signal whose handler has SA_RESTART, as the runtime
// installs all of them, so stallSignal's handler is modified to lack it.

// stallSignal is the real-time signal (SIGRTMAX-3) that ends a raw
// terminal write held for rawBudget. The runtime installs its handler for
// it at start-up and ignores it when it arrives, as nothing asks for it
// with os/signal; nothing else sends it.
const stallSignal = 61

// rawBudget bounds how long one write holds the P: heartbeat thresholds
// are hundreds of milliseconds, and the transport's reads already wait as
// long as this for a terminal write (session/pace.go).
const rawBudget = 10 * time.Millisecond

// stallRepeat is how often stallSignal repeats until the write ends.
const stallRepeat = time.Millisecond

// Kernel ABI constants not in golang.org/x/sys/unix.
const (
	sigevThreadID  = 4          // SIGEV_THREAD_ID
	saRestart      = 0x10000000 // SA_RESTART
	sigDFL, sigIGN = 0, 1       // SIG_DFL, SIG_IGN
)

// sigevent is the kernel's struct sigevent for SIGEV_THREAD_ID.
type sigevent struct {
	value  uintptr
	signo  int32
	notify int32
	tid    int32
	_      [11]int32
}

// kernelSigaction is the kernel's struct sigaction on amd64 and arm64.
type kernelSigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

// rawOutput writes to the terminal with raw, timer-bounded system calls.
type rawOutput struct {
	f  *os.File // the terminal; the ordinary write, past the budget
	fd uintptr  // f's descriptor

	mu     sync.Mutex // guards timer, tid and closed; serialises writes
	timer  int32      // kernel timer that signals thread tid
	tid    int        // 0: no timer
	closed bool

	raw       atomic.Int64 // bytes written by raw system calls (for tests)
	fallbacks atomic.Int64 // writes finished by the ordinary write (for tests)
}

// openRaw returns a rawOutput for f, or nil when stallSignal cannot be
// made to interrupt writes (its handler is not the runtime's).
func openRaw(f *os.File) *rawOutput {
	if interruptingStall() != nil {
		return nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	o := &rawOutput{f: f}
	if rc.Control(func(fd uintptr) { o.fd = fd }) != nil {
		return nil
	}
	return o
}

// interruptingStall makes stallSignal's handler interrupt system calls
// instead of restarting them. It changes nothing else, and refuses when
// the handler is the default or ignored (the signal would then kill the
// process or not interrupt the write).
func interruptingStall() error {
	var sa kernelSigaction
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, stallSignal, 0, uintptr(unsafe.Pointer(&sa)), 8, 0, 0); e != 0 {
		return e
	}
	if sa.handler == sigDFL || sa.handler == sigIGN {
		return syscall.ENOTSUP
	}
	if sa.flags&saRestart == 0 {
		return nil
	}
	sa.flags &^= saRestart
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, stallSignal, uintptr(unsafe.Pointer(&sa)), 0, 8, 0, 0); e != 0 {
		return e
	}
	return nil
}

// Write writes p to the terminal: raw system calls for up to rawBudget,
// then, for what is left, the ordinary write.
func (o *rawOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed || len(p) == 0 {
		return o.f.Write(p)
	}
	// The timer signals a thread: stay on it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if o.timerHere() != nil {
		return o.f.Write(p)
	}
	done := 0
	for start := time.Now(); done < len(p); {
		left := rawBudget - time.Since(start)
		if left <= 0 || o.arm(left) != nil {
			break
		}
		n, _, e := unix.RawSyscall(unix.SYS_WRITE, o.fd, uintptr(unsafe.Pointer(&p[done])), uintptr(len(p)-done))
		if o.arm(0) != nil {
			o.deleteTimer() // a repeating timer must not outlive the write
		}
		if e == unix.EINTR || e == unix.EAGAIN {
			break // stalled past the budget, or a non-blocking terminal
		}
		if e != 0 {
			return done, &os.PathError{Op: "write", Path: o.f.Name(), Err: e}
		}
		done += int(n)
		o.raw.Add(int64(n))
	}
	if done == len(p) {
		return done, nil
	}
	o.fallbacks.Add(1)
	n, err := o.f.Write(p[done:])
	return done + n, err
}

// timerHere makes sure the timer signals the calling thread.
func (o *rawOutput) timerHere() error {
	tid := unix.Gettid()
	if o.tid == tid {
		return nil
	}
	o.deleteTimer()
	ev := sigevent{signo: stallSignal, notify: sigevThreadID, tid: int32(tid)}
	var id int32
	if _, _, e := unix.RawSyscall(unix.SYS_TIMER_CREATE, unix.CLOCK_MONOTONIC, uintptr(unsafe.Pointer(&ev)), uintptr(unsafe.Pointer(&id))); e != 0 {
		return e
	}
	o.timer, o.tid = id, tid
	return nil
}

// arm sets the timer to fire after d and then every stallRepeat; zero
// disarms it. It repeats because one signal can be spent without ending
// the write: when it arrives while the thread handles another signal (the
// runtime's preemption signal, sent at about the same time), the kernel
// has already decided to restart the write for that one.
func (o *rawOutput) arm(d time.Duration) error {
	var spec unix.ItimerSpec
	if d > 0 {
		spec.Value = unix.NsecToTimespec(d.Nanoseconds())
		spec.Interval = unix.NsecToTimespec(stallRepeat.Nanoseconds())
	}
	if _, _, e := unix.RawSyscall6(unix.SYS_TIMER_SETTIME, uintptr(o.timer), 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0); e != 0 {
		return e
	}
	return nil
}

// deleteTimer deletes the timer, if there is one.
func (o *rawOutput) deleteTimer() {
	if o.tid != 0 {
		unix.RawSyscall(unix.SYS_TIMER_DELETE, uintptr(o.timer), 0, 0)
		o.tid = 0
	}
}

// Close deletes the timer; later writes are ordinary ones. The terminal
// stays open.
func (o *rawOutput) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.deleteTimer()
	o.closed = true
	return nil
}
