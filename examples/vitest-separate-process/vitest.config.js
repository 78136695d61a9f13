// Start one fake for the whole run (global setup), on a free port.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: './global-setup.js',
  },
});
