package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary text to Load as the user configuration (with
// an in-memory file system, so Includes cannot escape) and resolves the
// hosts it lists. It must never panic, every error must name its file and
// a line of that file, and listed hosts must be concrete aliases.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		"Host a\n  User b\n",
		"Host *\n\tPort=22\nMatch host x exec true\n",
		"Include ~/.ssh/inc.conf\nInclude ~/.ssh/config\n",
		"Match all\nMatch final\nMatch canonical all\n",
		"LocalForward [::1]:80 [h]:81\nRemoteForward 1\nDynamicForward x:1\n",
		"ProxyJump a,b@c:1,ssh://d@e:2\nProxyCommand nc %h %p\n",
		"Host \"quoted\nUser 'x\n",
		"Host x\n  RemoteCommand echo %C %d %h %%\n  ControlPath ~/%C\n",
		"EscapeChar ^A\nIPQoS af11 0x10\nRekeyLimit 1.5G 1h\nAddKeysToAgent confirm 1m\n",
		"CanonicalizeHostname yes\nCanonicalDomains a.b\nCanonicalizePermittedCNAMEs *.a:*.b\n",
		"IgnoreUnknown Foo*\nFooBar 1\nHost x x y\n",
		"Host a\x00b\nUser \\\n",
	}
	if entries, err := os.ReadDir(filepath.Join("testdata", "diff")); err == nil {
		for _, e := range entries {
			if data, err := os.ReadFile(filepath.Join("testdata", "diff", e.Name(), "config")); err == nil {
				seeds = append(seeds, string(data))
			}
		}
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		const path = "/home/me/.ssh/config"
		files := memFS{
			path:                     data,
			"/home/me/.ssh/inc.conf": "Host inc\n  User incuser\nInclude ~/.ssh/config\n",
		}
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 10*time.Second {
				t.Fatalf("took %v", d)
			}
		}()
		c, err := Load(memOptions(files))
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		nlines := strings.Count(data, "\n") + 1
		for _, e := range c.Errors() {
			if e.File == "" || e.Msg == "" {
				t.Fatalf("error without file or reason: %#v", e)
			}
			if e.File == path && (e.Line < 1 || e.Line > nlines) {
				t.Fatalf("error on line %d of a %d-line file: %v", e.Line, nlines, e)
			}
			if e.Line > 0 && !strings.HasPrefix(e.Error(), fmt.Sprintf("%s:%d: ", e.File, e.Line)) {
				t.Fatalf("badly formatted error %q", e.Error())
			}
		}
		hosts := []string{"x", "inc"}
		for i, h := range c.Hosts() {
			if !IsConcreteAlias(h.Alias) || h.Line < 1 {
				t.Fatalf("bad host entry %+v", h)
			}
			if i < 5 {
				hosts = append(hosts, h.Alias)
			}
		}
		for _, h := range hosts {
			r, err := c.Resolve(h, ResolveOptions{})
			if err != nil {
				continue
			}
			_ = r.Lines()
			_ = r.IdentityFiles()
			_ = r.ProxyCommand()
			_ = r.LocalForwards()
			_, _ = r.ServerAliveInterval()
		}
	})
}
