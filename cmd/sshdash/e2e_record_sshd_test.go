package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// castEvent is one event of an asciicast v2 file.
type castEvent struct {
	T    float64
	Kind string
	Data string
}

// castStrict validates every line of an asciicast v2 file: a version 2
// header object, then [t, "o"|"i"|"r"|"m", data] with t a number that
// never decreases. It returns the events.
func castStrict(t *testing.T, path string) []castEvent {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	var evs []castEvent
	last := -1.0
	n := 0
	for ; sc.Scan(); n++ {
		if n == 0 {
			var hdr struct {
				Version       *int `json:"version"`
				Width, Height int
			}
			if err := json.Unmarshal(sc.Bytes(), &hdr); err != nil || hdr.Version == nil || *hdr.Version != 2 || hdr.Width <= 0 || hdr.Height <= 0 {
				t.Fatalf("%s: header %q: %v", path, sc.Bytes(), err)
			}
			continue
		}
		var raw []json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil || len(raw) != 3 {
			t.Fatalf("%s line %d: %q is not [t, kind, data]: %v", path, n+1, sc.Bytes(), err)
		}
		var e castEvent
		if json.Unmarshal(raw[0], &e.T) != nil || json.Unmarshal(raw[1], &e.Kind) != nil || json.Unmarshal(raw[2], &e.Data) != nil {
			t.Fatalf("%s line %d: %q: wrong types", path, n+1, sc.Bytes())
		}
		switch e.Kind {
		case "o", "i", "r", "m":
		default:
			t.Fatalf("%s line %d: event kind %q", path, n+1, e.Kind)
		}
		if e.T < last {
			t.Fatalf("%s line %d: time %v before the previous %v", path, n+1, e.T, last)
		}
		last = e.T
		evs = append(evs, e)
	}
	if err := sc.Err(); err != nil || n == 0 {
		t.Fatalf("%s: %d lines: %v", path, n, err)
	}
	return evs
}

// record = true from the dashboard against a real OpenSSH sshd: the row
// shows ● REC; the connection is killed (ss -K) and the session reattaches;
// when its shell exits the recording is closed while the dashboard goes
// on running (the file is complete: output, the drop, the reconnect and
// the exit); asciinema accepts it when installed.
func TestEndToEndRecordDashboardRealSSHD(t *testing.T) {
	needTmuxE2E(t)
	if _, err := exec.LookPath("ss"); err != nil {
		t.Skip("no ss to cut the connection")
	}
	bin := buildBinary(t)
	srv, key, dir, tmuxDir := tmuxSSHD(t)
	// A used world: the server's private tmux already runs, with a
	// session of someone else's.
	byHand := exec.Command("tmux", "-L", "sshdash", "-f", "/dev/null", "new-session", "-d", "-s", "byhand")
	byHand.Env = append(os.Environ(), "TMUX_TMPDIR="+tmuxDir)
	if out, err := byHand.CombinedOutput(); err != nil {
		t.Fatalf("a private tmux server by hand: %v\n%s", err, out)
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	known := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(known, []byte(fmt.Sprintf("[%s]:%d %s", srv.Host(), srv.Port(), ssh.MarshalAuthorizedKey(srv.HostKey()))), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("Host rec plain\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n  ServerAliveInterval 1\n",
		srv.Host(), srv.Port(), me.Username, key, known)), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	if err := os.MkdirAll(filepath.Join(state, "sshdash"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(state, "sshdash", "config.toml"), []byte("[[host]]\nmatch = \"rec\"\nrecord = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A recording left by an earlier run, with the same host's prefix.
	recDir := filepath.Join(state, "sshdash", "recordings")
	if err := os.MkdirAll(recDir, 0o700); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(recDir, "rec-19990101-000000.cast")
	if err := os.WriteFile(old, []byte("not a recording\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_CONFIG_HOME=" + state, "XDG_STATE_HOME=" + state, "TERM=xterm-256color", "LANG=C.UTF-8"}
	tm := startTerm(t, env, bin+" -F "+cfg)
	tm.waitFor("the host list", "rec", "plain")
	// An unrecorded session to the other host, open in the background.
	tm.keys("j", "o")
	tm.waitFor("the unrecorded session", "Sessions 1", "plain")
	tm.keys("k", "Enter")
	waitAttached(t, tm)
	tm.text("echo before-$((6*7))")
	tm.keys("Enter")
	tm.waitFor("the output", "before-42")
	tm.keys("C-^", "d")
	s := tm.waitFor("the recording marker in the session's row", "● REC rec", "Sessions 2")
	if strings.Contains(s, "● REC plain") {
		t.Errorf("the unrecorded session shows REC:\n%s", s)
	}

	var cast string
	readCast := func() string {
		if cast == "" {
			files, _ := filepath.Glob(filepath.Join(recDir, "*.cast"))
			var fresh []string
			for _, f := range files {
				if f != old {
					fresh = append(fresh, f)
				}
			}
			if len(fresh) > 1 || len(fresh) == 1 && !strings.HasPrefix(filepath.Base(fresh[0]), "rec-") {
				t.Fatalf("recordings besides the one of rec: %q", fresh)
			}
			if len(fresh) == 0 {
				return ""
			}
			cast = fresh[0]
		}
		data, _ := os.ReadFile(cast)
		return string(data)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "ss", "-K", "dst", srv.Host(), "dport", "=", ":"+strconv.Itoa(srv.Port())).CombinedOutput(); err != nil {
		t.Fatalf("ss -K: %v\n%s", err, out)
	}
	deadline := time.Now().Add(60 * time.Second) // generous: the machine may be loaded
	for {
		data := readCast() // written as it goes
		if strings.Contains(data, `"m", "dropped: `) && strings.Contains(data, `"m", "reattached to the same shell after`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no drop and reattach markers in the recording %s:\n%s\nthe screen:\n%s", cast, data, tm.screen())
		}
		time.Sleep(200 * time.Millisecond)
	}
	tm.keys("Tab")
	tm.keys("g") // the first row: rec
	tm.keys("Enter")
	waitAttached(t, tm)
	tm.text("echo after-$((7*7))")
	tm.keys("Enter")
	tm.waitFor("the output after the reconnect", "after-49")
	tm.text("exit 0")
	tm.keys("Enter")

	// The dashboard is still running: the recording must be complete now.
	deadline = time.Now().Add(60 * time.Second)
	for !strings.Contains(readCast(), "exited with status 0") {
		if time.Now().After(deadline) {
			t.Fatalf("no exit marker while the dashboard runs:\n%s\nthe screen:\n%s", readCast(), tm.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if s := tm.screen(); strings.Contains(s, "SSHDASH-EXITED") {
		t.Fatalf("sshdash exited with its session:\n%s", s)
	}
	// The file is closed, not only flushed: no sshdash process has it open.
	guard := childOf(t, tm.display("#{pane_pid}"))
	for _, pid := range []string{guard, childOf(t, guard)} {
		if fd := openFD(pid, cast); fd != "" {
			t.Errorf("process %s still has the recording open (fd %s) after its session ended", pid, fd)
		}
	}
	evs := castStrict(t, cast)
	var out strings.Builder
	var marks []string
	for _, e := range evs {
		switch e.Kind {
		case "o":
			out.WriteString(e.Data)
		case "m":
			marks = append(marks, e.Data)
		}
	}
	for _, w := range []string{"before-42", "after-49"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("the recorded output lacks %q", w)
		}
	}
	if last := evs[len(evs)-1]; last.Kind != "m" || !strings.Contains(last.Data, "exited with status 0") {
		t.Errorf("the last event is %+v, want the exit marker (file not closed with its session?)", last)
	}
	all := strings.Join(marks, "\n")
	for _, w := range []string{"connected", "dropped: ", "reattached to the same shell after"} {
		if !strings.Contains(all, w) {
			t.Errorf("markers lack %q:\n%s", w, all)
		}
	}
	if fi, err := os.Stat(cast); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("recording mode %v (%v)", fi.Mode(), err)
	}
	s = tm.waitFor("the ended session's row", "closed")
	if strings.Contains(s, "● REC") {
		t.Errorf("the ended session still shows REC:\n%s", s)
	}
	if _, err := exec.LookPath("asciinema"); err == nil {
		if _, err := exec.LookPath("script"); err == nil {
			// asciinema cat wants a terminal: script gives it one.
			played, err := exec.CommandContext(ctx, "script", "-qec", "asciinema cat "+cast, "/dev/null").CombinedOutput()
			if err != nil || !strings.Contains(string(played), "after-49") {
				t.Errorf("asciinema cat: %v\n%s", err, played)
			}
		}
	}
	if data, err := os.ReadFile(old); err != nil || string(data) != "not a recording\n" {
		t.Errorf("the earlier run's recording was touched: %q %v", data, err)
	}
	tm.keys("q")
	tm.waitFor("the quit question (plain is still open)", "uit")
	tm.keys("y")
	tm.waitFor("sshdash to exit", "SSHDASH-EXITED=0")
}

// waitAttached waits until the dashboard has handed the terminal to a
// session (its header is gone), so typed keys reach the remote shell.
func waitAttached(t *testing.T, tm *tmuxTerm) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second) // generous: the machine may be loaded
	for strings.Contains(tm.screen(), "sshdash  Hosts ") {
		if time.Now().After(deadline) {
			t.Fatalf("not attached; the screen shows:\n%s", tm.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // the remote redraw
}

// openFD returns the descriptor by which process pid has path open, or "".
func openFD(pid, path string) string {
	fds, _ := os.ReadDir("/proc/" + pid + "/fd")
	for _, fd := range fds {
		if l, err := os.Readlink("/proc/" + pid + "/fd/" + fd.Name()); err == nil && l == path {
			return fd.Name()
		}
	}
	return ""
}
