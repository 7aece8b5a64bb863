package dev.carapace.tls;
