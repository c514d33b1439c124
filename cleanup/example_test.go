package cleanup_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/cleanup"
	"github.com/gormauth/gormauth/repository"
)

func ExampleRun() {
	// DATABASE_URL names a PostgreSQL database, such as
	// postgres://user:pass@localhost:5432/app.
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	// The tables of an Auth.js application with Prisma; cleanup works
	// alike on every flavour's, which gormauth.Detect tells.
	ctx := context.Background()
	if err := gormauth.AutoMigrate(ctx, db, gormauth.Prisma); err != nil {
		log.Fatal(err)
	}
	f, err := gormauth.Detect(ctx, db)
	if err != nil {
		log.Fatal(err)
	}

	// A session opened 31 days ago, so expired yesterday.
	past := repository.New(db, f, repository.Options{Now: func() time.Time { return time.Now().AddDate(0, 0, -31) }})
	email := "alice@example.com"
	user := &repository.User{Email: &email}
	if err := past.Users.Create(ctx, user); err != nil {
		log.Fatal(err)
	}
	if _, err := past.Sessions.Create(ctx, user.ID); err != nil {
		log.Fatal(err)
	}

	// A service runs this until SIGTERM (signal.NotifyContext); here one
	// pass is enough.
	repo := repository.New(db, f, repository.Options{})
	ctx, cancel := context.WithCancel(ctx)
	err = cleanup.Run(ctx, repo, cleanup.Options{
		Interval: time.Hour,
		OnResult: func(r cleanup.Result) {
			fmt.Printf("%s: deleted %d sessions and %d sign-in tokens, error: %v\n", f.Name(), r.Sessions, r.Verifications, r.Err)
			cancel()
		},
	})
	fmt.Println("Run returned", err)

	if err := repo.Users.Delete(context.Background(), user.ID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// prisma: deleted 1 sessions and 0 sign-in tokens, error: <nil>
	// Run returned <nil>
}
