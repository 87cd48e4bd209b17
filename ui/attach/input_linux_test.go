package attach

import (
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/muesli/cancelreader"
	"golang.org/x/term"
)

// blockingTTY opens a PTY whose terminal end is a blocking descriptor in
// raw mode, as a shell hands sshdash its stdin and an attach sets it.
func blockingTTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	name := s.Name()
	s.Close()
	fd, err := syscall.Open(name, syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	tty = os.NewFile(uintptr(fd), name)
	if _, err := term.MakeRaw(fd); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close(); m.Close() })
	return m, tty
}

// The attach waits for keys in the poller, leaves the user's descriptor
// blocking, and a cancelled read consumes nothing typed after it.
func TestInputPolledCancelsWithoutStealing(t *testing.T) {
	master, tty := blockingTTY(t)
	in, err := openInput(tty)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := in.(*polledInput); !ok {
		t.Fatalf("input is %T, want the poller's", in)
	}
	flags, err := fcntlFlags(tty)
	if err != nil {
		t.Fatal(err)
	}
	if flags&syscall.O_NONBLOCK != 0 {
		t.Fatal("the user's terminal descriptor became non-blocking")
	}
	buf := make([]byte, 16)
	for _, key := range []string{"a", "bc", "\x1b[A"} {
		master.Write([]byte(key))
		if n, err := in.Read(buf); err != nil || string(buf[:n]) != key {
			t.Fatalf("read %q, %v; want %q", buf[:n], err, key)
		}
	}
	done := make(chan error, 1)
	go func() {
		_, err := in.Read(buf)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the read wait
	if !in.Cancel() {
		t.Fatal("Cancel failed")
	}
	select {
	case err := <-done:
		if !errors.Is(err, cancelreader.ErrCanceled) {
			t.Fatalf("cancelled read returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Cancel did not end the read")
	}
	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	master.Write([]byte("z"))
	n, err := tty.Read(buf)
	if err != nil || string(buf[:n]) != "z" {
		t.Fatalf("the next reader got %q, %v; want the key typed after the cancel", buf[:n], err)
	}
}

// Output written to the terminal does not wake the wait for keys: the
// poller watches an epoll instance that watches the terminal for input
// only.
func TestInputPolledIgnoresOutput(t *testing.T) {
	master, tty := blockingTTY(t)
	in, err := openInput(tty)
	if err != nil {
		t.Fatal(err)
	}
	p := in.(*polledInput)
	defer p.Close()
	go func() { // drain what the terminal shows
		buf := make([]byte, 4096)
		for {
			if _, err := master.Read(buf); err != nil {
				return
			}
		}
	}()
	wakes := 0
	woke := make(chan struct{}, 1)
	go func() {
		p.rc.Read(func(epfd uintptr) bool {
			wakes++
			return false // keep waiting, counting the wakeups
		})
		close(woke)
	}()
	out := make([]byte, 64<<10)
	for range 64 {
		tty.Write(out)
	}
	p.ep.SetReadDeadline(time.Unix(1, 0))
	<-woke
	if wakes > 2 { // the first call, and at most one spurious edge
		t.Fatalf("4 MiB of output woke the wait for keys %d times", wakes)
	}
}

func fcntlFlags(f *os.File) (int, error) {
	r, _, e := syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), syscall.F_GETFL, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
