package session

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/sshtest"
)

// An open connection keeps its handshake's config (x/crypto needs it for
// re-keys) but not what only the handshake used: the dial options, the
// dialer, the auth plan and the prompter become garbage once Dial has
// returned. Seen through the options: a callback among them that holds
// a marker, which the collector must be able to free while the
// connection is still in use.
func TestOpenConnectionKeepsNoDialState(t *testing.T) {
	checkLeaks(t)
	tg, _, _ := keyedServer(t, "id_ed25519", "", sshtest.Options{})
	freed := make(chan struct{})
	c := dialT(t, markedOptions(tg, freed))
	deadline := time.Now().Add(10 * time.Second) // a watchdog, not a timing assertion
	for {
		runtime.GC()
		select {
		case <-freed:
			if got := run(t, c, "echo still here"); got != "still here\n" {
				t.Fatalf("the connection no longer works: output %q", got)
			}
			return
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the dial options (and the dialer behind them) are still reachable from the open connection")
		}
	}
}

// markedOptions returns dial options for tg whose callbacks hold a marker
// that closes freed once it has been collected.
func markedOptions(tg Target, freed chan struct{}) DialOptions {
	marker := new([1 << 10]byte)
	runtime.AddCleanup(marker, func(ch chan struct{}) { close(ch) }, freed)
	return DialOptions{
		Target: tg,
		Ask: func(context.Context, *Prompt) ([]string, error) {
			_ = marker[0]
			return nil, errors.New("not asked")
		},
		Banner: func(string) { _ = marker[0] },
		Log:    func(string) { _ = marker[0] },
	}
}
