package render

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

const scramIterations = 4096

// ScramVerifier is the SCRAM-SHA-256 secret PostgreSQL stores for a password (RFC 7677). pgsvc
// gives PostgreSQL and PgBouncer the same verifier, so no node ever holds a user's password and
// PgBouncer can pass a client's SCRAM proof through to the server. The salt is derived from the
// cluster and user names: unique per role, and stable so that a rerun changes nothing.
func ScramVerifier(cluster, user, password string) string {
	seed := sha256.Sum256([]byte("pgsvc scram salt\x00" + cluster + "\x00" + user))
	salt := seed[:16]
	salted, err := pbkdf2.Key(sha256.New, password, salt, scramIterations, sha256.Size)
	if err != nil {
		panic(err) // only for FIPS-disallowed parameters, which these are not
	}
	clientKey := mac(salted, "Client Key")
	storedKey := sha256.Sum256(clientKey)
	serverKey := mac(salted, "Server Key")
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", scramIterations, b64(salt), b64(storedKey[:]), b64(serverKey))
}

func mac(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}
