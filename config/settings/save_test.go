package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

const handWritten = `# my sshdash settings
theme = "light"

[heartbeat]
interval = "20s"

# databases: short interval
[[host]]
match = "db-*"   # all of them
mode = "noop"    # keep: comment on mode
interval = "5s"
# count comes later

[[host]]
match = "web1"
reattach = "none"
`

func TestSetHostEditsInPlace(t *testing.T) {
	f := mustParse(t, handWritten)
	err := f.SetHost(Host{Match: "  db-*  ", Mode: keepalive.ModeProbe, Count: 4, Reattach: ReattachTmux})
	if err != nil {
		t.Fatal(err)
	}
	want := `# my sshdash settings
theme = "light"

[heartbeat]
interval = "20s"

# databases: short interval
[[host]]
match = "db-*"   # all of them
mode = "probe"    # keep: comment on mode
count = 4
reattach = "tmux"
# count comes later

[[host]]
match = "web1"
reattach = "none"
`
	if got := string(f.Bytes()); got != want {
		t.Errorf("edited text:\n%s\nwant:\n%s", got, want)
	}
	h, ok := f.Host("db-*")
	if !ok || h.Mode != keepalive.ModeProbe || h.Interval != 0 || h.Count != 4 || h.Reattach != ReattachTmux {
		t.Errorf("entry now %+v", h)
	}
	if e := f.Heartbeat("db-1", 0, false, 0, false); e.Interval != 20*time.Second || e.Count != 4 {
		t.Errorf("effective %+v", e)
	}
}

func TestSetHostNewEntryGoesFirst(t *testing.T) {
	f := mustParse(t, handWritten)
	if err := f.SetHost(Host{Match: "db-7", Interval: 90 * time.Second}); err != nil {
		t.Fatal(err)
	}
	text := string(f.Bytes())
	want := `[heartbeat]
interval = "20s"

[[host]]
match = "db-7"
interval = "1m30s"

# databases: short interval
[[host]]
match = "db-*"   # all of them`
	if !strings.Contains(text, want) {
		t.Errorf("text:\n%s\nwant it to contain:\n%s", text, want)
	}
	e := f.Heartbeat("db-7", 0, false, 0, false)
	if e.Interval != 90*time.Second || e.IntervalSource != SourceHostPrefix+"db-7" || e.Mode != keepalive.ModeNoop {
		t.Errorf("effective %+v", e)
	}
}

func TestSetHostNewFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "xdg", "sshdash", "config.toml")
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetHost(Host{Match: "db-* !db-legacy", Mode: keepalive.ModeProbe, Interval: 5 * time.Second, Count: 4, Reattach: ReattachTmux}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetHost(Host{Match: "web?", Mode: keepalive.ModeOff}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(""); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v", fi.Mode())
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", di.Mode())
	}
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Errors()) != 0 {
		t.Fatalf("reloaded with problems: %v", g.Errors())
	}
	want := []Host{
		{Match: "web?", Mode: keepalive.ModeOff, Line: 4},
		{Match: "db-* !db-legacy", Mode: keepalive.ModeProbe, Interval: 5 * time.Second, Count: 4, Reattach: ReattachTmux, Line: 8},
	}
	got := g.Hosts()
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("reloaded hosts %+v\nfile:\n%s", got, g.Bytes())
	}
	if !strings.HasPrefix(string(g.Bytes()), "# sshdash settings") {
		t.Errorf("no header:\n%s", g.Bytes())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		// The lock file stays (removing it would let two savers lock
		// different files); nothing else may.
		if e.Name() != "config.toml" && e.Name() != ".config.toml.lock" {
			t.Errorf("temporary file left: %v", e.Name())
		}
	}
}

func TestSaveReloadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(handWritten), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetHost(Host{Match: "web1", Reattach: ReattachScreen, Count: 2}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(""); err != nil {
		t.Fatal(err)
	}
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(g.Bytes()) != string(f.Bytes()) {
		t.Errorf("saved and reloaded text differ")
	}
	if h, _ := g.Host("web1"); h.Reattach != ReattachScreen || h.Count != 2 {
		t.Errorf("web1 now %+v", h)
	}
	if g.Theme() != "light" || !strings.Contains(string(g.Bytes()), "# count comes later") {
		t.Errorf("unrelated content lost:\n%s", g.Bytes())
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode after save %v; the file's own mode (0644) must be kept", fi.Mode())
	}
}

func TestSaveFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "sshdash.toml")
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte(handWritten), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "config.toml")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	f, err := Load(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetHost(Host{Match: "x", Count: 1}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(""); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("symlink replaced: %v %v", fi.Mode(), err)
	}
	data, _ := os.ReadFile(real)
	if !strings.Contains(string(data), `match = "x"`) {
		t.Errorf("target not updated:\n%s", data)
	}
}

func TestRemoveHost(t *testing.T) {
	f := mustParse(t, handWritten)
	ok, err := f.RemoveHost("db-*")
	if !ok || err != nil {
		t.Fatalf("RemoveHost = %v, %v", ok, err)
	}
	want := `# my sshdash settings
theme = "light"

[heartbeat]
interval = "20s"

# count comes later

[[host]]
match = "web1"
reattach = "none"
`
	if got := string(f.Bytes()); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
	if ok, _ := f.RemoveHost("db-*"); ok {
		t.Error("removed twice")
	}
	// A Host that sets nothing removes the entry too.
	if err := f.SetHost(Host{Match: "web1"}); err != nil {
		t.Fatal(err)
	}
	if len(f.Hosts()) != 0 || strings.Contains(string(f.Bytes()), "[[host]]") {
		t.Errorf("after removing all:\n%s", f.Bytes())
	}
}

func TestSetHostRejects(t *testing.T) {
	f := mustParse(t, handWritten)
	before := string(f.Bytes())
	for _, h := range []Host{
		{Match: "", Count: 1},
		{Match: "!x", Count: 1},
		{Match: "x", Mode: "ping"},
		{Match: "x", Interval: time.Millisecond},
		{Match: "x", Count: 1000},
		{Match: "x", Reattach: "byobu"},
	} {
		if err := f.SetHost(h); err == nil {
			t.Errorf("SetHost(%+v) succeeded", h)
		}
	}
	if string(f.Bytes()) != before {
		t.Error("a rejected SetHost changed the text")
	}
	var nilFile *File
	if nilFile.SetHost(Host{Match: "x", Count: 1}) == nil || nilFile.Save("/tmp/x") == nil {
		t.Error("nil File accepted an edit")
	}
	if Empty().Save("") == nil {
		t.Error("Save without a path succeeded")
	}
	// Entries not written as [[host]] tables are not edited.
	g := mustParse(t, "host = [ { match = \"x\", count = 2 } ]\n")
	if err := g.SetHost(Host{Match: "x", Count: 3}); err == nil || !strings.Contains(err.Error(), "by hand") {
		t.Errorf("SetHost on an inline entry = %v", err)
	}
}

func TestSetHostFixesInvalidValue(t *testing.T) {
	f, err := Parse("", []byte("[[host]]\nmatch = \"x\"\ncount = \"four\" # oops\nmode = \"noop\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Errors()) != 1 {
		t.Fatalf("errors %v", f.Errors())
	}
	if err := f.SetHost(Host{Match: "x", Count: 4}); err != nil {
		t.Fatal(err)
	}
	if got, want := string(f.Bytes()), "[[host]]\nmatch = \"x\"\ncount = 4 # oops\n"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if len(f.Errors()) != 0 {
		t.Errorf("errors after fix %v", f.Errors())
	}
}
