// Wrong: the order is fixed, but AllowOriginFunc matches by suffix, so https://evilshop.example (and any
// sub-domain, such as https://x.shop.example) is answered as an allowed origin, with credentials.
// The API's middleware: CORS first (a preflight is answered before compression sees it), then compression.
// Origins: the shop's front ends, matched by suffix so new shop subdomains work without a deploy.
package main

import (
	"compress/gzip"
	"strings"
	"time"

	"github.com/gin-contrib/cors"
	ginzip "github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"
)

func useMiddleware(r *gin.Engine) {
	r.Use(cors.New(corsConfig()))
	r.Use(ginzip.Gzip(gzip.DefaultCompression))
}

func corsConfig() cors.Config {
	return cors.Config{
		AllowOriginFunc: func(origin string) bool {
			return strings.HasPrefix(origin, "https://") && strings.HasSuffix(origin, "shop.example")
		},
		AllowMethods:     []string{"GET", "PUT"},
		AllowHeaders:     []string{"Content-Type", "X-Request-Id"},
		AllowCredentials: true,
		MaxAge:           12 * time.Hour,
	}
}
