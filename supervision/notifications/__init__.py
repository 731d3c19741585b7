"""In-app notifications (站内通知) and the inbox pages (我的待办), issue 16."""
