package attach

import (
	"errors"
	"io"
	"os"
	"strconv"
	"syscall"
	"time"
	"unsafe"

	"github.com/muesli/cancelreader"
	"golang.org/x/sys/unix"
)

// polledInput reads the terminal with the wait for keys in Go's poller.
//
// The terminal itself is not handed to the poller (not even wrapped in an
// os.File, which registers a non-blocking descriptor): the poller watches
// every descriptor for writability too, and a terminal's write queue
// wakes its watchers each time output drains, thousands of times a second
// during bulk output; that doubled the process's wakeups. So the terminal
// is watched for input only, by an epoll instance of our own, and that
// instance (readable when a key is waiting) is what the poller watches.
type polledInput struct {
	tty int      // the terminal, opened again non-blocking (see openPolled); kept out of the poller
	ep  *os.File // epoll instance watching tty for input; in the poller
	rc  syscall.RawConn
}

// openPolled returns a polledInput for in, or nil if that is not possible.
// The terminal is opened a second time, through /proc: a new open file
// description, so O_NONBLOCK on it leaves the user's shell, which shares
// in's, alone. Terminal modes belong to the terminal, so raw mode set
// through in applies.
func openPolled(in *os.File) *polledInput {
	fd, err := unix.Open("/proc/self/fd/"+strconv.Itoa(int(in.Fd())),
		unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return nil
	}
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		unix.Close(fd)
		return nil
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
	if unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev) != nil || unix.SetNonblock(epfd, true) != nil {
		unix.Close(fd)
		unix.Close(epfd)
		return nil
	}
	ep := os.NewFile(uintptr(epfd), "epoll") // non-blocking: the poller takes it
	rc, err := ep.SyscallConn()
	if err != nil || ep.SetReadDeadline(time.Time{}) != nil {
		unix.Close(fd)
		ep.Close()
		return nil
	}
	return &polledInput{tty: fd, ep: ep, rc: rc}
}

// Read reads keys, waiting for them in the poller; after Cancel it returns
// cancelreader.ErrCanceled.
func (p *polledInput) Read(b []byte) (int, error) {
	for {
		n, err := rawRead(p.tty, b)
		switch {
		case err == nil && n > 0:
			return n, nil
		case err == nil:
			return 0, io.EOF
		case err != unix.EAGAIN && err != unix.EINTR:
			return 0, err
		}
		werr := p.rc.Read(func(epfd uintptr) bool {
			var ev [1]unix.EpollEvent
			k, _, e := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, epfd, uintptr(unsafe.Pointer(&ev[0])), 1, 0, 0, 0)
			return e == 0 && k > 0 || e != 0 && e != unix.EINTR
		})
		if errors.Is(werr, os.ErrDeadlineExceeded) {
			return 0, cancelreader.ErrCanceled
		}
		if werr != nil {
			return 0, werr
		}
	}
}

// rawRead reads the non-blocking terminal with a raw system call. Neither
// it nor the epoll check in Read can block, and a raw call does not enter
// the scheduler's syscall state, which on the first call after an idle
// spell wakes the runtime's monitor thread: a thread wakeup per key that
// ssh does not pay (session/rawio.go has the whole story).
func rawRead(fd int, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for {
		n, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		return int(n), nil
	}
}

// Cancel ends a pending Read and every later one.
func (p *polledInput) Cancel() bool { return p.ep.SetReadDeadline(time.Unix(1, 0)) == nil }

// Close releases both descriptors (the terminal stays open).
func (p *polledInput) Close() error {
	return errors.Join(p.ep.Close(), unix.Close(p.tty))
}
