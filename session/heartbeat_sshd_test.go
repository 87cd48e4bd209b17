package session

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/internal/testenv"
	"github.com/sshdash/sshdash/keepalive"
)

// The heartbeat never writes to the remote terminal: these run a program
// that records its terminal input, or vi in insert mode, through more than
// ten heartbeat intervals against real OpenSSH sshd.

const sshdBeat = 300 * time.Millisecond

func openOnSSHD(t *testing.T, f *sshdFixture, command string) (*Manager, *Session, *events) {
	t.Helper()
	tg := f.target()
	opts := Options{
		Alias: "sshd",
		Dial: func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
			c, err := Dial(ctx, DialOptions{Target: tg, WrapConn: h.WrapConn, OnStage: h.OnStage})
			if err != nil {
				return nil, nil, err
			}
			return c.Client(), c.Close, nil
		},
		Heartbeat: keepalive.Settings{Mode: keepalive.ModeProbe, Interval: sshdBeat, Count: 3},
		Reattach:  ReattachNone,
		Shell:     ShellOptions{Command: command},
		Term:      "xterm-256color",
		Cols:      80, Rows: 24,
	}
	m := NewManager(nil, nil)
	ev := watch(m)
	t.Cleanup(func() { m.CloseAll(context.Background()); ev.close() })
	s := m.Open(opts)
	ev.waitState(t, Up)
	return m, s, ev
}

// waitBeats waits until n heartbeats have been answered.
func waitBeats(t *testing.T, s *Session, n uint64) {
	t.Helper()
	deadline := time.Now().Add(time.Duration(n+10) * sshdBeat * 3)
	for s.Status().Heartbeat.Answered < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d heartbeats answered, want %d", s.Status().Heartbeat.Answered, n)
		}
		time.Sleep(sshdBeat / 3)
	}
}

func TestSSHDHeartbeatWritesNothingToTheTerminal(t *testing.T) {
	f := newSSHD(t, sshdtest.Options{})
	rec := filepath.Join(f.dir, "stdin.bin")
	// od makes the recording visible too, byte by byte, if anything came.
	_, s, _ := openOnSSHD(t, f, "stty raw -echo; echo RECORDING; cat > "+rec)
	screenHas(t, s, "RECORDING")
	waitBeats(t, s, 12)
	st := s.Status()
	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 0 {
		out, _ := exec.Command("od", "-c", rec).Output()
		t.Fatalf("the remote terminal received %d bytes during %d heartbeats:\n%s", len(b), st.Heartbeat.Answered, out)
	}
	if st.State != Up || st.Heartbeat.Misses != 0 {
		t.Fatalf("state %s misses %d", st.State, st.Heartbeat.Misses)
	}
}

func TestSSHDHeartbeatLeavesVimInsertModeAlone(t *testing.T) {
	vi, err := exec.LookPath("vi")
	if err != nil {
		if testenv.Enabled() {
			t.Fatalf("%s=1 but vi is not installed", testenv.Var)
		}
		t.Skip("vi not installed")
	}
	f := newSSHD(t, sshdtest.Options{})
	file := filepath.Join(f.dir, "notes.txt")
	const content = "line one\nline two\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	_, s, _ := openOnSSHD(t, f, vi+" -u NONE -i NONE -N "+file)
	screenHas(t, s, "line two")
	s.Write([]byte("i")) // insert mode, cursor at the start
	time.Sleep(100 * time.Millisecond)
	n := s.Status().Heartbeat.Answered
	waitBeats(t, s, n+11)
	s.Write([]byte("\x1b:wq\r"))
	select {
	case <-s.Done():
	case <-time.After(10 * time.Second):
		t.Fatalf("vi did not exit; screen:\n%s", strings.Join(s.ScreenText(), "\n"))
	}
	if got, _ := os.ReadFile(file); string(got) != content {
		t.Fatalf("the file changed while vi sat in insert mode through the heartbeats:\n%q", got)
	}
}
