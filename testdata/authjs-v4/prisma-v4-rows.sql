-- Rows written through the real @next-auth/prisma-adapter 1.0.7 (scripts/write_rows.mjs, TZ=UTC, database TimeZone=Etc/UTC). Load after prisma-v4-schema.sql; plain tokens in prisma-v4-rows.json.
INSERT INTO public."User" VALUES ('cmx0o1n3m0001lj7dht1inf5d', NULL, 'bob@example.com', '2026-11-27 00:12:03.123', NULL);
INSERT INTO public."User" VALUES ('cmx0o1n230000lj7dhfs69ypf', 'Alice', 'alice@example.com', '2026-11-27 00:13:03.123', 'https://example.com/alice.png');
INSERT INTO public."Account" VALUES ('cmx0o1n750002lj7dydwkdzax', 'cmx0o1n230000lj7dhfs69ypf', 'oauth', 'github', '12345', 'ghr_refresh_alice', 'gho_access_alice', 1795767123, 'bearer', 'read:user,user:email', NULL, NULL);
INSERT INTO public."Account" VALUES ('cmx0o1n8d0003lj7dgemdnxyq', 'cmx0o1n3m0001lj7dht1inf5d', 'oauth', 'google', '117331234567890123456', NULL, 'ya29.access_bob', 1795741922, 'bearer', 'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMTczMzEyMzQ1Njc4OTAxMjM0NTYifQ.c2ln', NULL);
INSERT INTO public."Session" VALUES ('cmx0o1nbr0004lj7d3lnqikvn', '95347991-b3d5-4f4c-9091-ab3dbd527cba', 'cmx0o1n230000lj7dhfs69ypf', '2126-11-03 00:12:03.123');
INSERT INTO public."Session" VALUES ('cmx0o1nc90005lj7dnsfutvpb', '9033719e-5564-4be1-9084-44ccf2fddc3f', 'cmx0o1n3m0001lj7dht1inf5d', '2026-11-26 23:12:03.123');
INSERT INTO public."VerificationToken" VALUES ('alice@example.com', 'fe3032bb5b9e37695c28e097be3f9d7661afe1b61eee9ae0797d34b4c06a9ad7', '2126-11-03 00:12:03.123');
INSERT INTO public."VerificationToken" VALUES ('bob@example.com', 'f2c3f1e3869968d397da129273bd1ac3b8b0338f09325ff0e30032acb8d2a35f', '2026-11-26 23:12:03.123');
