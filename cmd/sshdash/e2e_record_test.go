package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/demo"
)

// castSummary parses an asciicast v2 file strictly and returns its header,
// its output joined and its markers.
func castSummary(t *testing.T, path string) (hdr map[string]any, out string, marks []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	var b strings.Builder
	for n := 0; sc.Scan(); n++ {
		if n == 0 {
			if err := json.Unmarshal(sc.Bytes(), &hdr); err != nil || hdr["version"] != 2.0 {
				t.Fatalf("%s: header %q: %v", path, sc.Bytes(), err)
			}
			continue
		}
		var ev []any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || len(ev) != 3 {
			t.Fatalf("%s line %d: %q: %v", path, n+1, sc.Bytes(), err)
		}
		k, _ := ev[1].(string)
		d, _ := ev[2].(string)
		switch k {
		case "o":
			b.WriteString(d)
		case "m":
			marks = append(marks, d)
		case "r", "i":
		default:
			t.Fatalf("%s line %d: event kind %q", path, n+1, k)
		}
	}
	if hdr == nil {
		t.Fatalf("%s: empty", path)
	}
	return hdr, b.String(), marks
}

// connect --record FILE against demo-flaky, whose link goes silent for
// longer than its heartbeat allows: the recording has the output from
// before and after, and markers for the drop and the reconnect; it plays
// with asciinema when that is installed.
func TestEndToEndRecordDropAndReconnect(t *testing.T) {
	needTmuxE2E(t)
	bin := buildBinary(t)
	d := startDemo(t, demo.Options{FlakyUp: 3 * time.Second, FlakySilent: 6 * time.Second, HeartbeatSec: 1})
	state := t.TempDir()
	cast := filepath.Join(state, "rec", "flaky.cast")
	tm := startTerm(t, e2eEnv(state), fmt.Sprintf("%s connect -F %s --record %s demo-flaky", bin, d.ConfigPath, cast))
	tm.waitFor("the shell", "demo-flaky$")
	tm.text("echo before=$((6*7))")
	tm.keys("Enter")
	tm.waitFor("the output", "before=42")
	deadline := time.Now().Add(40 * time.Second)
	for {
		data, _ := os.ReadFile(cast) // the recording is written as it goes
		if strings.Contains(string(data), `"m", "dropped: `) && strings.Contains(string(data), `"m", "reattached to the same shell after`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no drop and reattach markers in the recording:\n%s", data)
		}
		time.Sleep(200 * time.Millisecond)
	}
	tm.text("echo after=$((7*7))")
	tm.keys("Enter")
	tm.waitFor("the output after the reconnect", "after=49")
	tm.text("exit 0")
	tm.keys("Enter")
	tm.waitFor("exit", "SSHDASH-EXITED=0")

	hdr, out, marks := castSummary(t, cast)
	if hdr["title"] != "demo-flaky" || hdr["width"] != 120.0 {
		t.Errorf("header %v", hdr)
	}
	for _, w := range []string{"before=42", "after=49"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	if all := strings.Join(marks, "\n"); !strings.Contains(all, "stale: ") || !strings.Contains(all, "closed") && !strings.Contains(all, "exited") {
		t.Errorf("markers:\n%s", all)
	}
	if fi, err := os.Stat(cast); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("recording mode %v (%v)", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Dir(cast)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("recording directory mode %v (%v)", fi.Mode(), err)
	}
	_, noCast := exec.LookPath("asciinema")
	_, noScript := exec.LookPath("script")
	if noCast == nil && noScript == nil {
		// asciinema cat wants a terminal: script gives it one.
		played, err := exec.Command("script", "-qec", "asciinema cat "+cast, "/dev/null").CombinedOutput()
		if err != nil || !strings.Contains(string(played), "before=42") {
			t.Errorf("asciinema cat: %v\n%s", err, played)
		}
	}
}

// record = true in the settings file records to
// $XDG_STATE_HOME/sshdash/recordings/HOST-DATE.cast; the input only with
// record-input = true.
func TestEndToEndRecordSetting(t *testing.T) {
	needTmuxE2E(t)
	bin := buildBinary(t)
	d := startDemo(t, demo.Options{})
	for _, input := range []bool{false, true} {
		t.Run(fmt.Sprintf("input=%v", input), func(t *testing.T) {
			state := t.TempDir()
			set := fmt.Sprintf("[[host]]\nmatch = \"demo-*\"\nrecord = true\nrecord-input = %v\n", input)
			writeSettings(t, state, set)
			tm := startTerm(t, e2eEnv(state), fmt.Sprintf("%s connect -F %s demo-healthy", bin, d.ConfigPath))
			tm.waitFor("the shell", "demo-healthy$")
			tm.text("echo typed-$((6*7))")
			tm.keys("Enter")
			tm.waitFor("the output", "typed-42")
			tm.text("exit 0")
			tm.keys("Enter")
			tm.waitFor("exit", "SSHDASH-EXITED=0")
			files, _ := filepath.Glob(filepath.Join(state, "sshdash", "recordings", "demo-healthy-*.cast"))
			if len(files) != 1 {
				t.Fatalf("recordings: %v", files)
			}
			_, out, _ := castSummary(t, files[0])
			if !strings.Contains(out, "typed-42") {
				t.Errorf("output not recorded")
			}
			data, _ := os.ReadFile(files[0])
			if got := strings.Contains(string(data), `"i", "e`); got != input {
				t.Errorf("record-input %v: input events present %v:\n%s", input, got, data)
			}
		})
	}
}
