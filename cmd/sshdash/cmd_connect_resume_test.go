package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/session"
)

func TestResumeArgs(t *testing.T) {
	for _, c := range []struct {
		set    bool
		resume string
		pos    []string
		want   []string
		name   string
		ok     bool
	}{
		{false, "", []string{"web"}, []string{"web"}, "", true},
		{true, resumeLatest, []string{"web"}, []string{"web"}, resumeLatest, true},
		{true, resumeLatest, []string{"sd-0123456789ab", "web"}, []string{"web"}, "sd-0123456789ab", true},
		{true, resumeLatest, []string{"web", "sd-0123456789ab"}, []string{"web"}, "sd-0123456789ab", true},
		{true, "sd-0123456789ab", []string{"web"}, []string{"web"}, "sd-0123456789ab", true},
		{true, resumeLatest, []string{"web", "db"}, []string{"web", "db"}, resumeLatest, false},
		{true, resumeLatest, []string{"web", "sd-XYZ"}, []string{"web", "sd-XYZ"}, resumeLatest, false},
	} {
		r := c.resume
		got, ok := resumeArgs(c.set, &r, c.pos)
		if ok != c.ok || !slices.Equal(got, c.want) || r != c.name {
			t.Errorf("resumeArgs(%v, %q, %q) = %q %v name %q; want %q %v %q", c.set, c.resume, c.pos, got, ok, r, c.want, c.ok, c.name)
		}
	}
}

func TestChooseResume(t *testing.T) {
	list := []session.RemoteSession{ // most recently used first
		{Name: "sd-000000000001", Attached: true},
		{Name: "sd-000000000002", Ended: true},
		{Name: "sd-000000000003"},
		{Name: "sd-000000000004"},
	}
	if r, why := chooseResume(list, resumeLatest); why != "" || r.Name != "sd-000000000003" {
		t.Errorf("latest: %q %q, want the most recent detached one", r.Name, why)
	}
	if r, why := chooseResume(list, "sd-000000000004"); why != "" || r.Name != "sd-000000000004" {
		t.Errorf("by name: %q %q", r.Name, why)
	}
	if _, why := chooseResume(list, "sd-000000000002"); !strings.Contains(why, "has ended") {
		t.Errorf("an ended one: %q", why)
	}
	if _, why := chooseResume(list, "sd-00000000000f"); !strings.Contains(why, "no session sd-00000000000f") {
		t.Errorf("a missing one: %q", why)
	}
	if _, why := chooseResume(list[:2], resumeLatest); !strings.Contains(why, "no detached") {
		t.Errorf("none detached: %q", why)
	}
	if _, why := chooseResume(nil, resumeLatest); !strings.Contains(why, "no sshdash session") {
		t.Errorf("none at all: %q", why)
	}
}
