package session

import (
	"strconv"
	"strings"

	"github.com/sshdash/sshdash/config"
)

// TargetFromResolved builds a Target from ssh_config as resolved for one
// host (what `ssh -G host` prints). The config package has already
// expanded tokens and ~ in paths and in ProxyCommand, so literal %
// characters are escaped here to survive Dial's own expansion unchanged.
func TargetFromResolved(r *config.Resolved) Target {
	escape := func(s string) string { return strings.ReplaceAll(s, "%", "%%") }
	escapeAll := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = escape(s)
		}
		return out
	}
	t := Target{
		Alias:                        r.Alias(),
		User:                         r.User(),
		HostName:                     r.HostName(),
		Port:                         r.Port(),
		IdentityFiles:                escapeAll(r.IdentityFiles()),
		CertificateFiles:             escapeAll(r.CertificateFiles()),
		IdentitiesOnly:               r.IdentitiesOnly(),
		IdentityAgent:                escape(r.IdentityAgent()),
		ProxyJump:                    r.ProxyJump(),
		ProxyCommand:                 escape(r.ProxyCommand()),
		ConnectTimeout:               r.ConnectTimeout(),
		ConnectionAttempts:           r.ConnectionAttempts(),
		StrictHostKeyChecking:        r.StrictHostKeyChecking(),
		UserKnownHostsFiles:          escapeAll(r.UserKnownHostsFiles()),
		GlobalKnownHostsFiles:        escapeAll(r.GlobalKnownHostsFiles()),
		HostKeyAlias:                 r.HostKeyAlias(),
		HashKnownHosts:               r.HashKnownHosts(),
		HostKeyAlgorithms:            hostKeyAlgorithmsSetting(r),
		RevokedHostKeys:              r.Get("revokedhostkeys"), // ssh -G prints it unexpanded: Dial expands it
		BatchMode:                    r.BatchMode(),
		TCPKeepAlive:                 r.TCPKeepAlive(),
		PreferredAuthentications:     splitList(r.PreferredAuthentications()),
		PubkeyAuthentication:         r.PubkeyAuthentication(),
		KbdInteractiveAuthentication: r.KbdInteractiveAuthentication(),
		PasswordAuthentication:       r.PasswordAuthentication(),
		RequestTTY:                   r.RequestTTY(),
		RemoteCommand:                r.RemoteCommand(),
		ForwardAgent:                 escape(r.ForwardAgent()),
		SetEnv:                       r.SetEnv(),
		SendEnv:                      r.SendEnv(),
		LocalForwards:                r.LocalForwards(),
		RemoteForwards:               r.RemoteForwards(),
		DynamicForwards:              r.DynamicForwards(),
	}
	if n, err := strconv.Atoi(r.Get("numberofpasswordprompts")); err == nil {
		t.NumberOfPasswordPrompts = n
	}
	return t
}

// hostKeyAlgorithmsSetting gives Target.HostKeyAlgorithms: nil when unset
// and the value as written when it starts with + or - (sshdash then orders
// the list by known_hosts, as ssh); otherwise (a list, or ^ to prepend)
// the effective list as ssh -G prints it, which ssh uses as it is.
func hostKeyAlgorithmsSetting(r *config.Resolved) []string {
	raw := strings.TrimSpace(r.HostKeyAlgorithmsAsWritten())
	switch {
	case raw == "":
		return nil
	case raw[0] == '+' || raw[0] == '-':
		return splitList(raw)
	}
	return splitList(r.HostKeyAlgorithms())
}

// splitList splits a comma-separated ssh -G value; "" gives nil.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
