package settings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/sshdash/sshdash/keepalive"
)

const sample = `# sshdash settings
theme = "dark"
prefix = "ctrl+b"
statusbar = false

[heartbeat]             # global default
mode = "noop"
interval = "20s"
count = 2
reattach = "screen"     # global default

[[host]]
match = "db-* !db-legacy"
mode = "probe"
interval = "5s"
count = 4
reattach = "tmux"

[[host]]
match = "web?"
interval = 30           # whole seconds
`

func mustParse(t *testing.T, text string) *File {
	t.Helper()
	f, err := Parse("config.toml", []byte(text))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	for _, e := range f.Errors() {
		t.Errorf("unexpected problem: %v", e)
	}
	return f
}

func TestParseSample(t *testing.T) {
	f := mustParse(t, sample)
	if f.Theme() != "dark" || f.Prefix() != "ctrl+b" || f.StatusBar() {
		t.Errorf("theme %q prefix %q statusbar %v", f.Theme(), f.Prefix(), f.StatusBar())
	}
	wantGlobal := Host{Mode: keepalive.ModeNoop, Interval: 20 * time.Second, Count: 2, Reattach: ReattachScreen}
	if g := f.Global(); g != wantGlobal {
		t.Errorf("Global = %+v, want %+v", g, wantGlobal)
	}
	want := []Host{
		{Match: "db-* !db-legacy", Mode: keepalive.ModeProbe, Interval: 5 * time.Second, Count: 4, Reattach: ReattachTmux, Line: 12},
		{Match: "web?", Interval: 30 * time.Second, Line: 19},
	}
	got := f.Hosts()
	if len(got) != len(want) {
		t.Fatalf("Hosts = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("host %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestDefaults(t *testing.T) {
	var nilFile *File
	dir := t.TempDir()
	missing, err := Load(filepath.Join(dir, "nope", "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	noPath, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]*File{"nil": nilFile, "empty": Empty(), "missing": missing, "no path": noPath, "blank": mustParse(t, "\n# nothing\n")} {
		if f.Theme() != DefaultTheme || f.Prefix() != DefaultPrefix || f.StatusBar() != DefaultStatusBar {
			t.Errorf("%s: theme %q prefix %q statusbar %v", name, f.Theme(), f.Prefix(), f.StatusBar())
		}
		e := f.Heartbeat("any", 0, false, 0, false)
		if e.Settings != keepalive.Default() || e.Source() != SourceBuiltin {
			t.Errorf("%s: heartbeat %+v from %q", name, e.Settings, e.Source())
		}
		if r := f.Reattach("any"); r != (Sourced{DefaultReattach, SourceBuiltin}) {
			t.Errorf("%s: reattach %+v", name, r)
		}
		if len(f.Hosts()) != 0 || len(f.Errors()) != 0 {
			t.Errorf("%s: hosts %v errors %v", name, f.Hosts(), f.Errors())
		}
	}
}

func TestDefaultPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"}, "/x/cfg/sshdash/config.toml"},
		{map[string]string{"XDG_CONFIG_HOME": "rel/cfg", "HOME": "/home/u"}, "/home/u/.config/sshdash/config.toml"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.config/sshdash/config.toml"},
	} {
		if got := DefaultPath(env(tc.env)); got != tc.want {
			t.Errorf("DefaultPath(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
	if got := DefaultPath(nil); got != "" && !strings.HasSuffix(got, filepath.Join("sshdash", "config.toml")) {
		t.Errorf("DefaultPath(nil) = %q", got)
	}
}

func TestHeartbeatPrecedence(t *testing.T) {
	const file = `
[heartbeat]
mode = "noop"
interval = "20s"
count = 2

[[host]]
match = "db-1"
interval = "5s"

[[host]]
match = "db-* !db-legacy"
mode = "probe"
interval = "30s"
count = 4

[[host]]
match = "quiet"
mode = "off"
`
	f := mustParse(t, file)
	const (
		db1  = SourceHostPrefix + "db-1"
		dbs  = SourceHostPrefix + "db-* !db-legacy"
		dflt = SourceFileDefault
	)
	type ssh struct {
		iv    time.Duration
		ivSet bool
		n     int
		nSet  bool
	}
	for _, tc := range []struct {
		name, alias string
		ssh         ssh
		f           *File
		want        keepalive.Settings
		srcs        [3]string // mode, interval, count
	}{
		{"built-in", "x", ssh{}, Empty(), keepalive.Default(), [3]string{SourceBuiltin, SourceBuiltin, SourceBuiltin}},
		{"settings default", "x", ssh{}, f, keepalive.Settings{Mode: "noop", Interval: 20 * time.Second, Count: 2}, [3]string{dflt, dflt, dflt}},
		{"ssh_config over settings default", "x", ssh{40 * time.Second, true, 5, true}, f,
			keepalive.Settings{Mode: "noop", Interval: 40 * time.Second, Count: 5}, [3]string{dflt, SourceSSHInterval, SourceSSHCount}},
		{"ssh_config over built-in", "x", ssh{40 * time.Second, true, 0, false}, Empty(),
			keepalive.Settings{Mode: "probe", Interval: 40 * time.Second, Count: 3}, [3]string{SourceBuiltin, SourceSSHInterval, SourceBuiltin}},
		{"defaults from ssh -G do not count", "x", ssh{0, false, 3, false}, f,
			keepalive.Settings{Mode: "noop", Interval: 20 * time.Second, Count: 2}, [3]string{dflt, dflt, dflt}},
		{"ServerAliveInterval 0 is off", "x", ssh{0, true, 0, false}, f,
			keepalive.Settings{Mode: "off", Interval: 20 * time.Second, Count: 2}, [3]string{SourceSSHOff, dflt, dflt}},
		{"host entry over ssh_config", "db-7", ssh{40 * time.Second, true, 5, true}, f,
			keepalive.Settings{Mode: "probe", Interval: 30 * time.Second, Count: 4}, [3]string{dbs, dbs, dbs}},
		{"first matching entry wins per field", "db-1", ssh{}, f,
			keepalive.Settings{Mode: "probe", Interval: 5 * time.Second, Count: 4}, [3]string{dbs, db1, dbs}},
		{"host interval overrides ssh_config off", "db-1", ssh{0, true, 0, false}, f,
			keepalive.Settings{Mode: "probe", Interval: 5 * time.Second, Count: 4}, [3]string{dbs, db1, dbs}},
		{"negated pattern", "db-legacy", ssh{}, f,
			keepalive.Settings{Mode: "noop", Interval: 20 * time.Second, Count: 2}, [3]string{dflt, dflt, dflt}},
		{"case-insensitive", "DB-7", ssh{}, f,
			keepalive.Settings{Mode: "probe", Interval: 30 * time.Second, Count: 4}, [3]string{dbs, dbs, dbs}},
		{"host mode off, rest below", "quiet", ssh{10 * time.Second, true, 0, false}, f,
			keepalive.Settings{Mode: "off", Interval: 10 * time.Second, Count: 2}, [3]string{SourceHostPrefix + "quiet", SourceSSHInterval, dflt}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.f.Heartbeat(tc.alias, tc.ssh.iv, tc.ssh.ivSet, tc.ssh.n, tc.ssh.nSet)
			if e.Settings != tc.want {
				t.Errorf("settings %v, want %v", e.Settings, tc.want)
			}
			if got := [3]string{e.ModeSource, e.IntervalSource, e.CountSource}; got != tc.srcs {
				t.Errorf("sources %q, want %q", got, tc.srcs)
			}
		})
	}
	e := f.Heartbeat("db-1", 0, false, 7, true)
	if got, want := e.Source(), dbs+" + "+db1; got != want {
		t.Errorf("Source() = %q, want %q", got, want)
	}
}

func TestReattachPrecedence(t *testing.T) {
	f := mustParse(t, `
reattach = "none"
[[host]]
match = "a*"
reattach = "tmux"
[[host]]
match = "ab"
reattach = "screen"
[[host]]
match = "b"
mode = "noop"
`)
	for alias, want := range map[string]Sourced{
		"ab": {ReattachTmux, SourceHostPrefix + "a*"}, // first match wins
		"b":  {ReattachNone, SourceFileDefault},       // entry without reattach falls through
	} {
		if got := f.Reattach(alias); got != want {
			t.Errorf("Reattach(%q) = %+v, want %+v", alias, got, want)
		}
	}
}

func TestErrorsHaveLines(t *testing.T) {
	const text = `theme = "dark"
colour = "red"
statusbar = "yes"

[heartbeat]
mode = "ping"
interval = "15"
count = 3

[[host]]
match = "a"
count = 0

[[host]]
match = "b"
intervall = "5s"
interval = "2h30m"
reattach = "tmux"

[[host]]
mode = "noop"

[[host]]
match = "!c"
count = "four"
`
	f, err := Parse("/home/u/.config/sshdash/config.toml", []byte(text))
	if err != nil {
		t.Fatalf("Parse failed outright: %v", err)
	}
	want := []struct {
		line int
		key  string
		frag string
	}{
		{2, "colour", `unknown key "colour"`},
		{3, "statusbar", "want true or false"},
		{6, "heartbeat.mode", `unknown heartbeat mode "ping"`},
		{7, "heartbeat.interval", `invalid duration "15"`},
		{12, "host[0].count", "count 0 is out of range"},
		{16, "host[1].intervall", `unknown key "intervall"`},
		{20, "host[2]", "without match"},
		{24, "host[3].match", "only negated patterns"},
		{25, "host[3].count", "want a whole number"},
	}
	errs := f.Errors()
	if len(errs) != len(want) {
		for _, e := range errs {
			t.Log(e)
		}
		t.Fatalf("%d problems, want %d", len(errs), len(want))
	}
	for i, w := range want {
		e := errs[i]
		if e.Line != w.line || e.Key != w.key || !strings.Contains(e.Error(), w.frag) {
			t.Errorf("problem %d = %q (line %d, key %q), want line %d key %q containing %q", i, e, e.Line, e.Key, w.line, w.key, w.frag)
		}
		if !strings.HasPrefix(e.Error(), "/home/u/.config/sshdash/config.toml:") {
			t.Errorf("no file:line prefix: %q", e)
		}
	}
	// Everything valid is still used.
	if f.Theme() != "dark" || f.Global().Count != 3 {
		t.Errorf("valid values lost: theme %q, global %+v", f.Theme(), f.Global())
	}
	hosts := f.Hosts()
	if len(hosts) != 2 || hosts[0].Match != "a" || hosts[0].Count != 0 ||
		hosts[1] != (Host{Match: "b", Interval: 150 * time.Minute, Reattach: ReattachTmux, Line: 14}) {
		t.Errorf("hosts %+v", hosts)
	}
}

func TestSyntaxError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte("theme = \"dark\"\n\n[heartbeat\nmode = \"probe\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if f != nil || err == nil {
		t.Fatalf("Load = %v, %v", f, err)
	}
	var se *Error
	if !errors.As(err, &se) || se.Line != 3 || se.Path != path {
		t.Fatalf("error %v (%T), want *Error at line 3", err, err)
	}
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		t.Error("the toml.ParseError is not wrapped")
	}
	if !strings.HasPrefix(err.Error(), path+":3: invalid TOML") {
		t.Errorf("message %q", err)
	}
	for text, line := range map[string]int{
		"a = 1\n[heartbeat]\nmode = probe\n":        3,
		"a = 1\n[heartbeat]\nmode = \"probe\nx=1\n": 3,
		"theme = \"dark\"\ntheme = \"light\"\n":     2,
	} {
		_, err := Parse("", []byte(text))
		if !errors.As(err, &se) || se.Line != line {
			t.Errorf("Parse(%q) = %v, want an error at line %d", text, err, line)
		}
	}
}

func TestReattachTwice(t *testing.T) {
	f, err := Parse("", []byte("reattach = \"tmux\"\n[heartbeat]\nreattach = \"none\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	errs := f.Errors()
	if len(errs) != 1 || errs[0].Line != 3 || !strings.Contains(errs[0].Error(), "also set at the top level (line 1)") {
		t.Errorf("errors %v", errs)
	}
	if r := f.Reattach("x"); r.Value != ReattachTmux {
		t.Errorf("reattach %+v", r)
	}
}

func TestOtherValueForms(t *testing.T) {
	f := mustParse(t, `
"theme" = "solarized-dark"
heartbeat.interval = 45
heartbeat.count = 5
host = [ { match = "x", mode = "tcp" } ]
`)
	if f.Theme() != "solarized-dark" || f.Global().Interval != 45*time.Second || f.Global().Count != 5 {
		t.Errorf("theme %q global %+v", f.Theme(), f.Global())
	}
	if e := f.Heartbeat("x", 0, false, 0, false); e.Mode != keepalive.ModeTCP {
		t.Errorf("inline host entry ignored: %+v", e)
	}
	// Values that look like TOML structure inside strings do not fool the
	// line finder.
	f2, err := Parse("", []byte("prefix = \"ctrl+a\"\nnote = '''\n[[host]]\ncount = 0\n'''\n[[host]]\nmatch = \"y\"\ncount = 500\n"))
	if err != nil {
		t.Fatal(err)
	}
	errs := f2.Errors()
	if len(errs) != 2 || errs[0].Line != 2 || errs[1].Line != 8 || errs[1].Key != "host[0].count" {
		t.Errorf("errors %v", errs)
	}
}

func TestScrollbackSetting(t *testing.T) {
	var nilFile *File
	if nilFile.Scrollback() != DefaultScrollback {
		t.Fatal("nil file: not the default")
	}
	f, err := Parse("x.toml", []byte("scrollback = 500\n"))
	if err != nil || f.Scrollback() != 500 || len(f.Errors()) != 0 {
		t.Fatalf("scrollback = 500: %v, %d, %v", err, f.Scrollback(), f.Errors())
	}
	for _, bad := range []string{"scrollback = -1\n", "scrollback = \"lots\"\n", "scrollback = 99999999\n"} {
		f, err := Parse("x.toml", []byte(bad))
		if err != nil || f.Scrollback() != DefaultScrollback || len(f.Errors()) != 1 {
			t.Errorf("%q: %v, %d, %v", bad, err, f.Scrollback(), f.Errors())
		}
	}
}
