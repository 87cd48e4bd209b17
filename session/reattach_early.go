package session

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// Keys typed the moment a session is up reach the wrapper while it is
// still starting the tmux client, which flushes the terminal's pending
// input when it takes the terminal over (tcflush in tty_start_tty): they
// were lost, most often under older tmux, whose start is slower. The
// session therefore holds its input from the marker's ACK until tmux has
// the terminal, which its first output shows (the wrapper prints nothing
// between the ACK and the attach), and then sends it in order.

// Bounds on holding early input.
const (
	maxEarlyInput  = 64 << 10        // bytes held; past it keys are refused, not queued
	earlyInputWait = 3 * time.Second // after this the held keys go out anyway
)

// errEarlyInputFull is returned for keys beyond maxEarlyInput while tmux
// is still attaching.
var errEarlyInputFull = errors.New("the remote terminal is not ready yet and too many keys are waiting for it")

// earlyInput is a shell's Stdin that holds writes until release. It never
// blocks a writer on the remote side being slow to start.
type earlyInput struct {
	w     io.WriteCloser
	clock keepalive.Clock
	since time.Time // when holding began

	// mu guards held and open, and orders the held keys before any
	// written after release.
	mu   sync.Mutex
	held []byte
	open bool

	stop     chan struct{} // closed once holding ends (released or closed): ends the release timer
	stopOnce sync.Once
}

// holdEarlyInput makes sh hold its input until its output shows that the
// remote terminal is ready (or earlyInputWait has passed by the time more
// keys come).
func holdEarlyInput(sh *Shell, clock keepalive.Clock) {
	g := &earlyInput{w: sh.Stdin, clock: clock, since: clock.Now(), stop: make(chan struct{})}
	sh.Stdin = g
	sh.Stdout = &releaseOnOutput{r: sh.Stdout, g: g}
	// Keys held when tmux stays silent past earlyInputWait go out then,
	// not only with the next key (the user may type nothing more).
	t := clock.NewTimer(earlyInputWait)
	go func() {
		defer t.Stop()
		select {
		case <-t.C():
			g.release()
		case <-g.stop:
		}
	}()
}

// stopHolding ends the release timer's wait; g.mu is held.
func (g *earlyInput) stopHolding() { g.stopOnce.Do(func() { close(g.stop) }) }

// Write holds p, or sends it once the remote terminal is ready.
func (g *earlyInput) Write(p []byte) (int, error) {
	g.mu.Lock()
	if !g.open && g.clock.Now().Sub(g.since) >= earlyInputWait {
		g.releaseLocked()
	}
	if g.open {
		g.mu.Unlock()
		return g.w.Write(p)
	}
	defer g.mu.Unlock()
	if len(g.held)+len(p) > maxEarlyInput {
		return 0, errEarlyInputFull
	}
	g.held = append(g.held, p...)
	return len(p), nil
}

// Close closes the shell's input; held keys are dropped with the shell.
func (g *earlyInput) Close() error {
	g.mu.Lock()
	g.held, g.open = nil, true
	g.stopHolding()
	g.mu.Unlock()
	return g.w.Close()
}

// release sends the held keys; later writes go straight through.
func (g *earlyInput) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.releaseLocked()
}

func (g *earlyInput) releaseLocked() {
	if g.open {
		return
	}
	g.open = true
	g.stopHolding()
	if len(g.held) > 0 {
		// A failure ends the shell, which the session sees on its output.
		_, _ = g.w.Write(g.held)
	}
	g.held = nil
}

// afterMarker is what early holds after the wrapper's marker.
func afterMarker(early []byte) []byte {
	i := bytes.Index(early, []byte(markerPrefix))
	if i < 0 {
		return nil
	}
	end := bytes.IndexByte(early[i:], '\a')
	if end < 0 {
		return nil
	}
	return early[i+end+1:]
}

// releaseOnOutput reads the shell's output after the marker and releases
// the held input at its first byte (or its end).
type releaseOnOutput struct {
	r    io.Reader
	g    *earlyInput
	done bool // released; only the reading goroutine uses it
}

func (o *releaseOnOutput) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	if !o.done && (n > 0 || err != nil) {
		o.done = true
		o.g.release()
	}
	return n, err
}
