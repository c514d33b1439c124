package repository

// The statements the benchmarks' hand-written pgx floor sends, exactly as
// the repository sends them.
const (
	SessionWithUserSQL  = sessionWithUser
	UserByAccountSQL    = userByAccount
	SessionByTokenSQL   = `SELECT ` + sessionColumns + ` FROM sessions WHERE session_token = $1`
	SignInLinkedUserSQL = signInLinkedUser
	ExtendSessionSQL    = extendSession
	InsertSessionSQL    = insertSession
	LinkAccountSQL      = linkAccount
	InsertTokenSQL      = insertToken
	DeleteTokenSQL      = deleteToken
	VerifiedUserSQL     = verifiedUser
	DeleteSessionSQL    = `DELETE FROM sessions WHERE session_token = $1`
)
