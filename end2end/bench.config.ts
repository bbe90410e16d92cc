// The drawer's first-open timing for scripts/bench: the e2e server setup, another folder.
import base from "./playwright.config";
import { defineConfig } from "@playwright/test";

export default defineConfig({ ...base, testDir: "./bench", reporter: [["line"]] });
