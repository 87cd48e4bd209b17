package session

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/sshtest"
	"github.com/sshdash/sshdash/keepalive"
)

// newRefusingFixture is a lifecycle fixture whose server refuses exec
// requests and allows shells, as some network gear does.
func newRefusingFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, sshtest.Options{RefuseExec: true})
}

// A server that refuses exec gets a plain shell request: the session comes
// up, says why the shell will not survive a drop, never shows the wrapper,
// and the shell's exit status comes back. reattach = none works there too,
// since it never sends an exec.
func TestSessionExecRefusedFallsBackToShell(t *testing.T) {
	for _, mode := range []ReattachMode{ReattachAuto, ReattachNone} {
		t.Run(string(mode), func(t *testing.T) {
			checkLeaks(t)
			f := newRefusingFixture(t)
			m, ev := newWatchedManager(t)
			s := m.Open(f.options(mode))
			ev.waitState(t, Up)
			if got := s.Status().Reattach; got != "none" {
				t.Fatalf("reattach %q, want none", got)
			}
			want := map[ReattachMode]string{ReattachAuto: "refused to run sshdash's wrapper", ReattachNone: "reattach = none"}[mode]
			if !strings.Contains(logText(s), want) || !strings.Contains(logText(s), "a drop loses") {
				t.Errorf("log does not say %q and that a drop loses the shell:\n%s", want, logText(s))
			}
			s.Write([]byte("echo answer=$((6*7))\r"))
			screenHas(t, s, "answer=42")
			if text := strings.Join(s.ScreenText(), "\n"); strings.Contains(text, "/bin/sh -c") || strings.Contains(text, "printf") {
				t.Errorf("the wrapper reached the screen:\n%s", text)
			}
			exitShell(t, s, 4)
		})
	}
}

func TestShownOutputIsSafe(t *testing.T) {
	in := []byte("bad\x1b]0;title\a\x1b[31mred\nline2\x00\r\n" + strings.Repeat("x", 2*maxShownOutput))
	got := shownOutput(in)
	if strings.ContainsAny(got, "\x1b\a\x00") {
		t.Errorf("control characters kept: %q", got)
	}
	if !strings.HasPrefix(got, "bad]0;title[31mred\r\nline2\r\nxx") {
		t.Errorf("shownOutput = %q", got[:40])
	}
	if len(got) > maxShownOutput+64 {
		t.Errorf("not bounded: %d bytes", len(got))
	}
}

// readToMarker keeps every byte: before and after the marker, and a read
// still in flight when it stops waiting.
func TestReadToMarker(t *testing.T) {
	r := io.MultiReader(strings.NewReader("hello "+markerPrefix+"tmux-new"), strings.NewReader("\aworld"))
	early, rest, found, ended := readToMarker(context.Background(), keepalive.RealClock{}, r, time.Second)
	if !found || ended {
		t.Fatalf("found %v ended %v", found, ended)
	}
	all, _ := io.ReadAll(io.MultiReader(bytes.NewReader(early), rest))
	if string(all) != "hello "+markerPrefix+"tmux-new\aworld" {
		t.Fatalf("bytes lost: %q", all)
	}

	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte("no marker"))
		time.Sleep(200 * time.Millisecond)
		pw.Write([]byte(" late"))
		pw.Close()
	}()
	early, rest, found, ended = readToMarker(context.Background(), keepalive.RealClock{}, pr, 50*time.Millisecond)
	if found || ended {
		t.Fatalf("found %v ended %v", found, ended)
	}
	all, _ = io.ReadAll(io.MultiReader(bytes.NewReader(early), rest))
	if string(all) != "no marker late" {
		t.Fatalf("bytes lost: %q", all)
	}

	early, _, found, ended = readToMarker(context.Background(), keepalive.RealClock{}, strings.NewReader("bash: /bin/sh: restricted"), time.Second)
	if found || !ended || string(early) != "bash: /bin/sh: restricted" {
		t.Fatalf("early end: %q found %v ended %v", early, found, ended)
	}
}
