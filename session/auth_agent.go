package session

import (
	"fmt"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// agentSocketPath resolves an IdentityAgent (or ForwardAgent) value to a
// socket path: "" or "SSH_AUTH_SOCK" means $SSH_AUTH_SOCK, "$NAME" or
// "${NAME}" another variable, "none" no agent; anything else is a path
// (~ and % tokens expanded). It returns "" for no agent.
func agentSocketPath(v string, getenv func(string) string, ex pathExpander) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" || v == "SSH_AUTH_SOCK":
		return getenv("SSH_AUTH_SOCK")
	case strings.EqualFold(v, "none"):
		return ""
	case strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}"):
		return getenv(v[2 : len(v)-1])
	case strings.HasPrefix(v, "$"):
		return getenv(v[1:])
	}
	return ex.expand(v)
}

// agentListTimeout bounds listing the agent's keys; signing is bounded by
// the handshake's own timeout.
const agentListTimeout = 5 * time.Second

// agentSigners connects to the agent (IdentityAgent / $SSH_AUTH_SOCK) and
// returns its keys. The connection stays open until the handshake ends.
// An agent that is not there is logged only when one was configured
// explicitly or SSH_AUTH_SOCK is set, and is never fatal.
func (p *authPlan) agentSigners() []ssh.Signer {
	sock := agentSocketPath(p.t.IdentityAgent, p.d.getenv, p.d.expander(p.t))
	if sock == "" {
		return nil
	}
	conn, err := net.DialTimeout("unix", sock, agentListTimeout)
	if err != nil {
		p.note(fmt.Sprintf("SSH agent at %s not usable: %v", sock, cleanNetError(err, agentListTimeout)))
		return nil
	}
	p.agentConn = conn
	_ = conn.SetDeadline(time.Now().Add(agentListTimeout))
	signers, err := agent.NewClient(conn).Signers()
	// Signing may wait for the user to confirm (ssh-add -c): allow longer.
	_ = conn.SetDeadline(time.Now().Add(max(p.t.connectTimeout(), time.Minute)))
	if err != nil {
		p.note(fmt.Sprintf("SSH agent at %s: cannot list keys: %v", sock, err))
		return nil
	}
	return signers
}

// agentKeyDesc describes an agent key for the log.
func agentKeyDesc(s ssh.Signer) string {
	pub := s.PublicKey()
	d := fmt.Sprintf("agent key %s %s", pub.Type(), ssh.FingerprintSHA256(pub))
	if k, ok := pub.(*agent.Key); ok && k.Comment != "" {
		d += " (" + sanitize(k.Comment) + ")"
	}
	return d
}
