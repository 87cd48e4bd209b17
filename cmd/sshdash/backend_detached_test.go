package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/sshdash/sshdash/session"
)

// Sessions report their hosts' lists without ever waiting for the
// dashboard: with nobody taking them, a hundred reports neither block nor
// pile up (one pending signal, the latest list per host), and taking
// them empties the store.
func TestDetachedNewsNeverBlocks(t *testing.T) {
	n := newDetachedNews()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 100 {
			alias := fmt.Sprintf("h%d", i%3)
			n.add(alias, []session.RemoteSession{{Name: fmt.Sprintf("sd-%012d", i)}})
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a report waited for the dashboard")
	}
	if len(n.signal) != 1 {
		t.Fatalf("%d signals pending, want 1", len(n.signal))
	}
	<-n.signal
	got := n.take()
	if len(got) != 3 || got["h0"][0].Name != "sd-000000000099" || got["h1"][0].Name != "sd-000000000097" {
		t.Fatalf("took %+v; want the latest list of each of 3 hosts", got)
	}
	if again := n.take(); len(again) != 0 {
		t.Fatalf("taken twice: %+v", again)
	}
}
