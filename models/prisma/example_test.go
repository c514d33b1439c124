package prisma_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/models/prisma"
	"github.com/gormauth/gormauth/repository"
)

func Example() {
	// DATABASE_URL names a PostgreSQL database, such as
	// postgres://user:pass@localhost:5432/app.
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	// The tables of an Auth.js v5 application with @auth/prisma-adapter.
	if err := gormauth.AutoMigrate(context.Background(), db, gormauth.Prisma); err != nil {
		log.Fatal(err)
	}

	// A user and a session, written with plain GORM: the hooks give the
	// user a cuid and fill createdAt and updatedAt, as the Prisma client
	// does.
	u := prisma.User{Email: "alice@example.com"}
	if err := db.Create(&u).Error; err != nil {
		log.Fatal(err)
	}
	token, err := repository.NewSessionToken()
	if err != nil {
		log.Fatal(err)
	}
	expires := time.Date(2030, time.January, 1, 0, 0, 0, 0, time.UTC)
	if err := db.Create(&prisma.Session{SessionToken: token, UserID: u.ID, Expires: expires}).Error; err != nil {
		log.Fatal(err)
	}

	// The user's sessions, each with its user.
	var sessions []prisma.Session
	if err := db.Preload("User").Where(&prisma.Session{UserID: u.ID}).Find(&sessions).Error; err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(sessions), sessions[0].User.Email, sessions[0].Expires, len(u.ID))
	// Printing or logging a session never shows its token.
	fmt.Println(strings.Contains(fmt.Sprintf("%+v", sessions[0]), token))

	// Deleting the user deletes its sessions: the foreign key cascades.
	if err := db.Delete(&u).Error; err != nil {
		log.Fatal(err)
	}
	var left int64
	if err := db.Model(&prisma.Session{}).Where(&prisma.Session{UserID: u.ID}).Count(&left).Error; err != nil {
		log.Fatal(err)
	}
	fmt.Println(left, "sessions left")
	// Output:
	// 1 alice@example.com 2030-01-01 00:00:00 +0000 UTC 25
	// false
	// 0 sessions left
}
