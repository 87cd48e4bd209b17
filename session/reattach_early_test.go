package session

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive/clocktest"
)

// recordingStdin is a shell's stdin that keeps what was sent.
type recordingStdin struct {
	mu     sync.Mutex // guards buf, closed
	buf    bytes.Buffer
	closed bool
}

func (w *recordingStdin) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *recordingStdin) Close() error {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	return nil
}

func (w *recordingStdin) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// Keys written before tmux's first output are held and sent, in order
// and before any later key, when that output arrives.
func TestEarlyInputHeldUntilOutput(t *testing.T) {
	in := &recordingStdin{}
	outR, outW := io.Pipe()
	sh := &Shell{Stdin: in, Stdout: outR}
	clock := clocktest.New(time.Unix(1000, 0))
	holdEarlyInput(sh, clock)

	for _, k := range []string{"echo ", "EARLY", "\r"} {
		if n, err := sh.Stdin.Write([]byte(k)); n != len(k) || err != nil {
			t.Fatalf("early write %q: %d, %v", k, n, err)
		}
	}
	if got := in.String(); got != "" {
		t.Fatalf("sent %q before the remote terminal was ready", got)
	}
	go func() { outW.Write([]byte("\x1b[?1049h")); outW.Close() }()
	buf := make([]byte, 64)
	if n, _ := sh.Stdout.Read(buf); n == 0 {
		t.Fatal("no output passed through")
	}
	if got := in.String(); got != "echo EARLY\r" {
		t.Fatalf("after the first output, sent %q", got)
	}
	sh.Stdin.Write([]byte("later"))
	if got := in.String(); got != "echo EARLY\rlater" {
		t.Fatalf("a later key: sent %q", got)
	}
}

// Held keys are bounded (beyond the bound a write fails, it is not
// queued), and when the remote side stays silent past earlyInputWait the
// held keys go out, before the next key.
func TestEarlyInputBoundAndWait(t *testing.T) {
	in := &recordingStdin{}
	sh := &Shell{Stdin: in, Stdout: bytes.NewReader(nil)}
	clock := clocktest.New(time.Unix(1000, 0))
	holdEarlyInput(sh, clock)
	big := bytes.Repeat([]byte("x"), maxEarlyInput)
	if n, err := sh.Stdin.Write(big); n != len(big) || err != nil {
		t.Fatalf("a write up to the bound: %d, %v", n, err)
	}
	if n, err := sh.Stdin.Write([]byte("y")); n != 0 || !errors.Is(err, errEarlyInputFull) {
		t.Fatalf("a write past the bound: %d, %v", n, err)
	}
	clock.Advance(earlyInputWait)
	if _, err := sh.Stdin.Write([]byte("z")); err != nil {
		t.Fatal(err)
	}
	if got := in.String(); got != string(big)+"z" {
		t.Fatalf("after the wait, sent %d bytes ending %q", len(got), got[max(len(got)-3, 0):])
	}
	// The end of the output also releases (nothing is held for ever).
	in2 := &recordingStdin{}
	sh2 := &Shell{Stdin: in2, Stdout: bytes.NewReader(nil)}
	holdEarlyInput(sh2, clock)
	sh2.Stdin.Write([]byte("k"))
	if _, err := sh2.Stdout.Read(make([]byte, 8)); err != io.EOF {
		t.Fatalf("read: %v", err)
	}
	if got := in2.String(); got != "k" {
		t.Fatalf("after the output ended, sent %q", got)
	}
	if err := sh2.Stdin.Close(); err != nil || !in2.closed {
		t.Fatalf("close: %v %v", err, in2.closed)
	}
}

func TestAfterMarker(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"motd\r\n" + markerPrefix + "tmux-new\a", ""},
		{markerPrefix + "tmux-new\a\x1b[?1049h", "\x1b[?1049h"},
		{"no marker", ""},
		{markerPrefix + "tmux-ne", ""},
	} {
		if got := string(afterMarker([]byte(c.in))); got != c.want {
			t.Errorf("afterMarker(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Keys held while the remote side stays silent go out once earlyInputWait
// has passed, though nothing more is typed; the timer's goroutine ends
// with the release.
func TestEarlyInputReleasedByTimer(t *testing.T) {
	in := &recordingStdin{}
	outR, outW := io.Pipe()
	defer outW.Close()
	sh := &Shell{Stdin: in, Stdout: outR}
	clock := clocktest.New(time.Unix(1000, 0))
	holdEarlyInput(sh, clock)
	sh.Stdin.Write([]byte("ls\r"))
	clock.BlockUntil(1) // the release timer is armed
	clock.Advance(earlyInputWait - time.Millisecond)
	if got := in.String(); got != "" {
		t.Fatalf("sent %q before earlyInputWait", got)
	}
	clock.Advance(time.Millisecond)
	deadline := time.Now().Add(10 * time.Second)
	for in.String() != "ls\r" {
		if time.Now().After(deadline) {
			t.Fatalf("held keys not sent after earlyInputWait: sent %q", in.String())
		}
		time.Sleep(time.Millisecond)
	}
}
