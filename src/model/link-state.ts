/** The transport's state: serial port or TCP bridge open, or not (a valid frame is another matter). */
export type LinkState = "connecting" | "up" | "down" | "stopped";
