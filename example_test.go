package gormauth_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
)

func ExampleAutoMigrate() {
	// DATABASE_URL names a PostgreSQL database, such as
	// postgres://user:pass@localhost:5432/app.
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	// Creates the four tables. Once they exist, AutoMigrate costs one
	// catalog query, so it can run at every start of every replica.
	if err := gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73); err != nil {
		log.Fatal(err)
	}

	var tables []string
	err = db.Raw(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() ORDER BY table_name`).Scan(&tables).Error
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tables)
	// Output: [accounts sessions users verification_requests]
}

func ExampleCheckSchema() {
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if err := gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73); err != nil {
		log.Fatal(err)
	}
	// Someone renames NextAuth.js's unique constraint the way GORM names it.
	err = db.Exec(`ALTER TABLE users RENAME CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" TO uni_users_email`).Error
	if err != nil {
		log.Fatal(err)
	}

	diffs, err := gormauth.CheckSchema(context.Background(), db, gormauth.Beta73)
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range diffs {
		fmt.Println(d.Incompatible(), d)
	}

	var se *gormauth.SchemaError
	err = gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73)
	fmt.Println(errors.As(err, &se), len(se.Differences))

	// Renaming it back makes the schema NextAuth.js's again.
	err = db.Exec(`ALTER TABLE users RENAME CONSTRAINT uni_users_email TO "UQ_97672ac88f789774dd47f7c8be3"`).Error
	if err != nil {
		log.Fatal(err)
	}
	diffs, err = gormauth.CheckSchema(context.Background(), db, gormauth.Beta73)
	fmt.Println(len(diffs), err)
	// Output:
	// true users.email ("UQ_97672ac88f789774dd47f7c8be3"): constraint under another name: found CONSTRAINT "uni_users_email" UNIQUE (email), expected CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE (email)
	// true 1
	// 0 <nil>
}
