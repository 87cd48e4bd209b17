package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestIncludeGlobOrderAndHidden(t *testing.T) {
	c := loadMem(t, memFS{
		"/home/me/.ssh/config":           "Include conf.d/*.conf\nHost *\n  User fallback\n",
		"/home/me/.ssh/conf.d/20-b.conf": "Host b\n  Port 2\nHost a\n  Port 99\n",
		"/home/me/.ssh/conf.d/10-a.conf": "Host a\n  Port 1\n",
		"/home/me/.ssh/conf.d/.x.conf":   "Host hidden\n",
		"/home/me/.ssh/conf.d/c.txt":     "Host notconf\n",
	})
	if got := aliases(c); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("hosts = %q", got)
	}
	if p := resolve(t, c, "a").Port(); p != 1 {
		t.Errorf("a port = %d (files must be read in sorted order)", p)
	}
	if h := c.Hosts()[1]; h.File != "/home/me/.ssh/conf.d/20-b.conf" || h.Line != 1 {
		t.Errorf("b entry = %+v", h)
	}
}

func TestIncludeRelativeAndTilde(t *testing.T) {
	files := memFS{
		"/home/me/.ssh/config":     "Include rel.conf ~/.ssh/tilde.conf /abs/abs.conf\n",
		"/envhome/.ssh/rel.conf":   "Host rel\n",
		"/envhome/.ssh/tilde.conf": "Host tilde-from-HOME\n",
		"/home/me/.ssh/tilde.conf": "Host tilde-from-passwd\n",
		"/abs/abs.conf":            "Host abs\n",
		"/etc/ssh/ssh_config":      "Include sys.d/*\nHost sys\n  Include ~/.ssh/x\n",
		"/etc/ssh/sys.d/one":       "Host sysinc\n",
	}
	opts := memOptions(files)
	// ssh globs Include paths: "~" is $HOME there, not the passwd home.
	opts.LookupEnv = testEnv(map[string]string{"HOME": "/envhome"})
	c, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"rel", "tilde-from-HOME", "abs", "sysinc", "sys"}
	if got := aliases(c); !reflect.DeepEqual(got, want) {
		t.Errorf("hosts = %q, want %q", got, want)
	}
	errs := errorStrings(c)
	if len(errs) != 1 || !strings.Contains(errs[0], "/etc/ssh/ssh_config:3: bad include path ~/.ssh/x") {
		t.Errorf("errors = %q, want the ~ in the system file reported", errs)
	}
}

func TestIncludeConditional(t *testing.T) {
	c := loadMem(t, memFS{
		"/home/me/.ssh/config": "Host work-*\n  Include /inc/work.conf\n  User worker\nMatch exec true\n  Include /inc/maybe.conf\nHost *\n  Port 2000\n",
		"/inc/work.conf":       "Port 1000\nHost work-a other\n  HostName a.work\nHost *\n  ServerAliveInterval 5\n",
		"/inc/maybe.conf":      "Host maybe\n",
	})
	// "other" in work.conf can never apply (the Include is only read for
	// work-*), so it is not listed; Match conditions are not judged.
	if got := aliases(c); !reflect.DeepEqual(got, []string{"work-a", "maybe"}) {
		t.Errorf("hosts = %q", got)
	}
	r := resolve(t, c, "work-a")
	if r.Port() != 1000 || r.HostName() != "a.work" || r.User() != "worker" {
		t.Errorf("work-a = %s@%s:%d", r.User(), r.HostName(), r.Port())
	}
	if d, _ := r.ServerAliveInterval(); d.Seconds() != 5 {
		t.Errorf("interval = %v", d)
	}
	r = resolve(t, c, "other")
	if r.Port() != 2000 || r.HostName() != "other" {
		t.Errorf("other = %s:%d; the conditional include must not apply", r.HostName(), r.Port())
	}
	// Without RunExec the exec criterion fails and is reported as skipped.
	if !r.ExecSkipped() {
		t.Error("ExecSkipped = false")
	}
}

func TestIncludeMatchDoesNotLeak(t *testing.T) {
	c := loadMem(t, memFS{
		"/home/me/.ssh/config": "Host a\n  Include /inc/x.conf\n  User afteruser\n",
		"/inc/x.conf":          "Host nomatch\n  Port 1\n",
	})
	if u := resolve(t, c, "a").User(); u != "afteruser" {
		t.Errorf("user = %q: Host lines in an Include must not change the includer's block", u)
	}
}

func TestIncludeDepthAndLoops(t *testing.T) {
	files := memFS{"/home/me/.ssh/config": "Include /d/1\n"}
	for i := 1; i <= 20; i++ {
		files[fmt.Sprintf("/d/%d", i)] = fmt.Sprintf("Host h%d\nMatch all\nInclude /d/%d\n", i, i+1)
	}
	c := loadMem(t, files)
	hosts := aliases(c)
	if len(hosts) != 16 || hosts[15] != "h16" {
		t.Errorf("hosts = %q, want h1..h16 (depth limit 16)", hosts)
	}
	errs := errorStrings(c)
	if len(errs) != 1 || !strings.HasPrefix(errs[0], "/d/16:3: too many recursive configuration includes") {
		t.Errorf("errors = %q", errs)
	}

	c = loadMem(t, memFS{
		"/home/me/.ssh/config": "Include /loop/a\nHost top\n",
		"/loop/a":              "Host a\nMatch all\nInclude /loop/b\n",
		"/loop/b":              "Host b\nMatch all\nInclude /loop/a /loop/b\n",
	})
	if got := aliases(c); !reflect.DeepEqual(got, []string{"a", "b", "top"}) {
		t.Errorf("hosts = %q", got)
	}
	if errs := errorStrings(c); len(errs) != 2 || !strings.Contains(errs[0], "includes itself") {
		t.Errorf("errors = %q", errs)
	}
	resolve(t, c, "a") // must terminate
}

func TestIncludeMissingAndUnreadable(t *testing.T) {
	c := loadMem(t, memFS{
		"/home/me/.ssh/config": "Include /nowhere/*.conf /missing.conf\nInclude /badperm/x.conf\nHost ok\n",
		"/badperm/x.conf":      "Host hidden\n",
	})
	errs := errorStrings(c)
	if len(errs) != 1 || errs[0] != "/home/me/.ssh/config:2: bad owner or permissions on /badperm/x.conf" {
		t.Errorf("errors = %q", errs)
	}
	if got := aliases(c); !reflect.DeepEqual(got, []string{"ok"}) {
		t.Errorf("hosts = %q", got)
	}
}

func TestLoadFileOptions(t *testing.T) {
	files := memFS{
		"/home/me/.ssh/config": "Host user\n",
		"/etc/ssh/ssh_config":  "Host system\n",
		"/other":               "Include inc\nHost other\n",
		"/home/me/.ssh/inc":    "Host fromrelative\n",
	}
	c := loadMem(t, files)
	if got := aliases(c); !reflect.DeepEqual(got, []string{"user", "system"}) {
		t.Errorf("default files: hosts = %q", got)
	}
	opts := memOptions(files)
	opts.File = "/other"
	c, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	// -F replaces both files; its relative Includes live in ~/.ssh.
	if got := aliases(c); !reflect.DeepEqual(got, []string{"fromrelative", "other"}) {
		t.Errorf("-F: hosts = %q", got)
	}
	opts.File = "/does/not/exist"
	if _, err := Load(opts); err == nil || !strings.Contains(err.Error(), "/does/not/exist") {
		t.Errorf("missing -F file: err = %v", err)
	}
	opts.File = "none"
	c, err = Load(opts)
	if err != nil || len(c.Hosts()) != 0 || len(c.Files()) != 0 {
		t.Errorf("-F none: %v %v", c, err)
	}
	opts = memOptions(memFS{"/badperm/config": "Host x\n"})
	opts.UserFile = "/badperm/config"
	c, err = Load(opts)
	if err != nil || len(c.Errors()) != 1 || c.Errors()[0].Line != 0 {
		t.Fatalf("bad user file permissions: %v %q", err, errorStrings(c))
	}
	if got := c.Errors()[0].Error(); got != "/badperm/config: bad owner or permissions on /badperm/config" {
		t.Errorf("error = %q", got)
	}
}

func TestGlobTilde(t *testing.T) {
	cases := map[string]string{
		"~":       "/h",
		"~/":      "/h/",
		"~/a/*.c": "/h/a/*.c",
		"~root/x": "/root/x",
		"~root":   "/root/",
	}
	for in, want := range cases {
		got, err := globTilde(in, "/h")
		if err != nil || got != want {
			t.Errorf("globTilde(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := globTilde("~nosuchuser-sshdash/x", "/h"); err == nil {
		t.Error("unknown user: no error")
	}
}
