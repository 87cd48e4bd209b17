package attach

import (
	"errors"
	"io"
	"os"
	"strconv"
	"syscall"
	"time"

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
		n, err := unix.Read(p.tty, b)
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
			k, err := unix.EpollWait(int(epfd), ev[:], 0)
			return k > 0 || err != nil && err != unix.EINTR
		})
		if errors.Is(werr, os.ErrDeadlineExceeded) {
			return 0, cancelreader.ErrCanceled
		}
		if werr != nil {
			return 0, werr
		}
	}
}

// Cancel ends a pending Read and every later one.
func (p *polledInput) Cancel() bool { return p.ep.SetReadDeadline(time.Unix(1, 0)) == nil }

// Close releases both descriptors (the terminal stays open).
func (p *polledInput) Close() error {
	return errors.Join(p.ep.Close(), unix.Close(p.tty))
}
