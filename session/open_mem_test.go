package session

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/sshdash/sshdash/config"
)

// A session keeps its Options (their dial, for every reconnect) for its
// whole life; they hold the plan's target, not the resolved config the
// plan was made from, which nothing reads after Plan.
func TestOptionsKeepNoResolvedConfig(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config")
	if err := os.WriteFile(cfgPath, []byte("Host web\n  HostName 127.0.0.1\n  Port 2222\n  User tester\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{File: cfgPath, Home: dir, LocalUser: "me"})
	if err != nil {
		t.Fatal(err)
	}
	o := &Opener{Config: cfg}
	opts, freed := optionsForgettingPlan(t, o, "web")
	deadline := time.Now().Add(10 * time.Second) // a watchdog, not a timing assertion
	for {
		runtime.GC()
		select {
		case <-freed:
			if opts.Target != "tester@127.0.0.1:2222" || opts.Dial == nil {
				t.Errorf("options for %q, dial %v; want the plan's target and a dial", opts.Target, opts.Dial != nil)
			}
			return
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the session's options still hold the resolved config")
		}
	}
}

// optionsForgettingPlan makes a plan for dest and its options, and returns
// the options and a channel closed once the plan's resolved config has
// been collected.
func optionsForgettingPlan(t *testing.T, o *Opener, dest string) (Options, chan struct{}) {
	p, err := o.Plan(dest)
	if err != nil || p.Resolved == nil {
		t.Fatalf("plan for %s: %v (resolved %v)", dest, err, p != nil && p.Resolved != nil)
	}
	freed := make(chan struct{})
	runtime.AddCleanup(p.Resolved, func(ch chan struct{}) { close(ch) }, freed)
	return o.Options(p, false, 80, 24), freed
}
