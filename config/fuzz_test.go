package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
			// Strict: refuses whenever a problem other than an
			// unknown keyword was found while loading, and only for
			// those or for unknown keywords (which IgnoreUnknown in an
			// inactive block does not cover, so they may be new).
			_, serr := c.Resolve(h, ResolveOptions{Strict: true})
			var refused *RefusedError
			if errors.As(serr, &refused) {
				if len(refused.Problems) == 0 || !errors.Is(serr, ErrFatal) {
					t.Fatalf("malformed refusal %#v", refused)
				}
				for _, p := range refused.Problems {
					if !p.unknown && !slices.Contains(c.Errors(), p) {
						t.Fatalf("strict Resolve(%s) refused for %v, not a load error", h, p)
					}
				}
			}
			for _, e := range c.Errors() {
				if !e.unknown && serr == nil {
					t.Fatalf("strict Resolve(%s) accepted a configuration with %v", h, e)
				}
			}
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

// FuzzLargeConfig builds configurations far larger than byte-level
// fuzzing reaches: up to 5,000 blocks whose Host lines carry a
// fuzzer-chosen number of names, a line with up to 20,000 arguments placed
// anywhere among them, and a fuzzer-chosen directive (line) repeated in
// every block. Load and Resolve must not panic, must report well-formed
// errors, and a host named on the long line must still resolve (its
// arguments survived the parser's buffer growth).
func FuzzLargeConfig(f *testing.F) {
	f.Add(uint16(335), uint8(1), uint16(20), uint16(335), "HostName 10.0.0.1")
	f.Add(uint16(0), uint8(0), uint16(1025), uint16(0), "User x")
	f.Add(uint16(5000), uint8(3), uint16(5000), uint16(2500), "LocalForward 1 h:2")
	f.Add(uint16(100), uint8(40), uint16(1), uint16(7), "Match host \"a b\" exec true")
	f.Add(uint16(2000), uint8(2), uint16(20000), uint16(1999), "IdentityFile ~/%h/%r")
	f.Add(uint16(3000), uint8(5), uint16(3000), uint16(10), "Include inc")
	f.Fuzz(func(t *testing.T, blocks uint16, names uint8, longArgs uint16, at uint16, line string) {
		blocks %= 5001
		longArgs %= 20001
		if strings.ContainsAny(line, "\n\r") || len(line) > 200 {
			return
		}
		var b strings.Builder
		writeLong := func() {
			b.WriteString("Host")
			for i := 0; i < int(longArgs); i++ {
				fmt.Fprintf(&b, " l%d", i)
			}
			b.WriteString(" longlast\n  User longuser\n")
		}
		for i := 0; i < int(blocks); i++ {
			if i == int(at) {
				writeLong()
			}
			fmt.Fprintf(&b, "Host h%d", i)
			for j := 0; j < int(names); j++ {
				fmt.Fprintf(&b, " h%d-%d", i, j)
			}
			fmt.Fprintf(&b, "\n  %s\n  User u%d\n", line, i)
		}
		if int(at) >= int(blocks) {
			writeLong()
		}
		const path = "/home/me/.ssh/config"
		start := time.Now()
		// "Include inc" (relative: ~/.ssh/inc) reaches a file of its
		// own, included from every block.
		c, err := Load(memOptions(memFS{path: b.String(),
			"/home/me/.ssh/inc": "Host inc1 inc2 h1\n  Port 2222\nBogus 1\n"}))
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		for _, e := range c.Errors() {
			if e.File == "" || e.Msg == "" || (e.File == path && e.Line < 1) {
				t.Fatalf("malformed error %#v", e)
			}
		}
		r, err := c.Resolve("longlast", ResolveOptions{})
		// Unless the fuzzer's line opens a block, includes a file or
		// sets the user itself, nothing before the long block applies
		// to longlast.
		kw, _, _, _ := splitLine(line)
		switch lowerASCII(kw) {
		case "host", "match", "include", "user":
		default:
			if err != nil {
				t.Fatalf("Resolve(longlast): %v", err)
			}
			if r.User() != "longuser" {
				t.Fatalf("longlast resolved to user %q, want longuser", r.User())
			}
		}
		if blocks > 0 {
			_, _ = c.Resolve(fmt.Sprintf("h%d", blocks-1), ResolveOptions{})
			_, _ = c.Resolve(fmt.Sprintf("h%d", blocks/2), ResolveOptions{Strict: true})
		}
		if d := time.Since(start); d > 30*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}
