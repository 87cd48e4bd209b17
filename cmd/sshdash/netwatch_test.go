package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"runtime/pprof"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/netwatch"
	"github.com/sshdash/sshdash/session"
)

// chanSource is a netwatch.Source fed by the test.
type chanSource struct{ ch chan netwatch.Event }

func (c chanSource) Events() <-chan netwatch.Event { return c.ch }
func (c chanSource) Err() error                    { return nil }
func (c chanSource) Close() error                  { return nil }

// TestWatchNetworkRetriesWaitingSessions: the app's watcher hands a
// network change to the manager, and a session waiting an hour for its
// next attempt tries again at once. A second watchNetwork (the dashboard
// after connect's detach) starts nothing more.
func TestWatchNetworkRetriesWaitingSessions(t *testing.T) {
	stall := time.AfterFunc(time.Minute, func() {
		_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
		panic("TestWatchNetworkRetriesWaitingSessions still running after a minute")
	})
	defer stall.Stop()
	src := chanSource{ch: make(chan netwatch.Event)}
	a := &app{
		mgr:        session.NewManager(nil, nil),
		log:        slog.New(slog.DiscardHandler),
		netWatcher: netwatch.New(netwatch.Options{Source: src}),
	}
	defer a.mgr.CloseAll(context.Background())
	var dials atomic.Int32
	s := a.mgr.Open(session.Options{
		Alias: "down",
		Dial: func(context.Context, session.DialHooks) (*ssh.Client, func() error, error) {
			dials.Add(1)
			return nil, nil, &session.DialError{Host: "down", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
		},
		Heartbeat:  keepalive.Default(),
		Reattach:   session.ReattachNone,
		RetryFirst: true,
		Backoff:    session.Backoff{Base: time.Hour, Max: time.Hour, StableAfter: time.Hour, ProbeEvery: time.Hour},
	})
	deadline := time.Now().Add(10 * time.Second)
	for s.Status().State != session.Reconnecting {
		if time.Now().After(deadline) {
			t.Fatalf("session %s, want reconnecting", s.Status().State)
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop := a.watchNetwork()
	defer stop()
	a.watchNetwork()() // a second start is a no-op, and so is its stop
	before := dials.Load()
	src.ch <- netwatch.Event{What: "address added on wlan0"}
	for dials.Load() == before {
		if time.Now().After(deadline) {
			t.Fatal("the network change did not make the waiting session try again")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
