package session

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/internal/testenv"
)

// Only sshdash's own screen sessions are listed (and so counted and
// offered): in a used world where the user already runs a screen session
// called sshdash-foo and one named like sshdash's (sshdash-sd-<12 hex>)
// by hand, the list of a screen-only host holds the session sshdash
// started and nothing else.
func TestSSHDListSkipsStrayScreen(t *testing.T) {
	testenv.Need(t, sshdtest.SSHD, "unshare", "mount", "usermod", "runuser", "screen")
	testWatchdog(t, 2*time.Minute)
	e := newMatrixEnv(t, matrixRow{name: "strayscr", shell: "/bin/bash", want: "screen"})
	strays := []string{"sshdash-foo", "sshdash-sd-0123456789ab"}
	for _, name := range strays {
		if out, err := e.asUser("screen", "-dmS", name, "sleep", "600").CombinedOutput(); err != nil {
			t.Fatalf("stray screen %s: %v: %s", name, err, out)
		}
	}
	t.Cleanup(func() {
		for _, name := range strays {
			_ = e.asUser("screen", "-S", name, "-X", "quit").Run()
		}
	})
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	defer m.CloseAll(context.Background())
	found := make(chan []RemoteSession, 1)
	opts := e.options()
	opts.OnRemoteSessions = func(l []RemoteSession) { found <- l }
	s := m.Open(opts)
	ev.waitState(t, Up)
	if got := s.Status().Reattach; got != "screen" {
		t.Fatalf("reattach %q, want screen; log:\n%s", got, logText(s))
	}
	// The session's own first connection lists the others: the strays
	// are not among them.
	select {
	case others := <-found:
		if len(others) != 0 {
			t.Fatalf("the session's scan found %+v; want nothing (the strays are not sshdash's)", others)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the session's first connection did not list the host's sessions")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, closeConn, err := e.options().Dial(ctx, DialHooks{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeConn()
	list, err := listRemote(ctx, client, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != s.RemoteName() || list[0].Kind != "screen" || !list[0].Attached {
		t.Fatalf("listed %+v; want only %s (screen, attached)", list, s.RemoteName())
	}
	// The strays are still running: listing left them alone.
	out, _ := e.asUser("screen", "-ls").Output()
	for _, name := range strays {
		if !strings.Contains(string(out), "."+name) {
			t.Errorf("stray %s is gone:\n%s", name, out)
		}
	}
}
