package main

import (
	"context"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/ui/attach"
)

// procsSession ends the attach at once, noting GOMAXPROCS meanwhile.
type procsSession struct {
	done  chan struct{}
	procs int
}

func (p *procsSession) ID() int                { return 1 }
func (p *procsSession) Status() session.Status { return session.Status{State: session.Up} }
func (p *procsSession) Attach(io.Writer) func() {
	p.procs = runtime.GOMAXPROCS(0)
	close(p.done)
	return func() {}
}
func (p *procsSession) Leave(io.Writer, bool) []byte { return nil }
func (p *procsSession) Write(b []byte) (int, error)  { return len(b), nil }
func (p *procsSession) Resize(int, int)              {}
func (p *procsSession) Reconnect()                   {}
func (p *procsSession) Done() <-chan struct{}        { return p.done }

func attachOnce(t *testing.T, getenv func(string) string) int {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	s := &procsSession{done: make(chan struct{})}
	o := attach.Options{In: r, Out: io.Discard, Raw: func() (func(), error) { return func() {}, nil },
		Size: func() (int, int, error) { return 80, 24, nil }, Resized: make(chan os.Signal)}
	if _, err := runAttach(context.Background(), getenv, s, o); err != nil {
		t.Fatal(err)
	}
	return s.procs
}

// An attach runs on one P and gives the others back after; a GOMAXPROCS
// the user set is left alone.
func TestRunAttachOnOneP(t *testing.T) {
	defer runtime.SetDefaultGOMAXPROCS()
	runtime.SetDefaultGOMAXPROCS()
	def := runtime.GOMAXPROCS(0)
	if got := attachOnce(t, func(string) string { return "" }); got != 1 {
		t.Errorf("GOMAXPROCS %d while attached, want 1", got)
	}
	if got := runtime.GOMAXPROCS(0); got != def {
		t.Errorf("GOMAXPROCS %d after the attach, want the default %d back", got, def)
	}
	runtime.GOMAXPROCS(2)
	if got := attachOnce(t, func(k string) string { return map[string]string{"GOMAXPROCS": "2"}[k] }); got != 2 {
		t.Errorf("GOMAXPROCS %d while attached with the user's GOMAXPROCS=2", got)
	}
}
