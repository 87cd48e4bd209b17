package settings

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestDetachedTTL(t *testing.T) {
	if got := Empty().DetachedTTL(); got != DefaultDetachedTTL {
		t.Fatalf("default: %v, want %v", got, DefaultDetachedTTL)
	}
	for _, c := range []struct {
		text string
		want time.Duration
		bad  bool
	}{
		{`detached-ttl = "3d"`, 72 * time.Hour, false},
		{`detached-ttl = "36h"`, 36 * time.Hour, false},
		{`detached-ttl = 60`, time.Minute, false},
		{`detached-ttl = "off"`, 0, false},
		{`detached-ttl = 0`, 0, false},
		{`detached-ttl = "soon"`, DefaultDetachedTTL, true},
		{`detached-ttl = -5`, DefaultDetachedTTL, true},
		{`detached-ttl = true`, DefaultDetachedTTL, true},
	} {
		p := filepath.Join(t.TempDir(), "config.toml")
		if err := os.WriteFile(p, []byte(c.text+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := Load(p)
		if err != nil {
			t.Fatalf("%s: %v", c.text, err)
		}
		if got := f.DetachedTTL(); got != c.want {
			t.Errorf("%s: got %v, want %v", c.text, got, c.want)
		}
		if bad := len(f.Errors()) > 0; bad != c.bad {
			t.Errorf("%s: errors %v, want bad=%v", c.text, f.Errors(), c.bad)
		}
	}
}
