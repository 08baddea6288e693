@happy_path @needs:clock
Feature: Keeping the QuickBooks connection alive
  Caspen refreshes its access token before it expires (and once on a 401), and stores the rotated
  refresh token, so users never see a connection problem while the connection is valid.

  Background:
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042

  Scenario: An hour later the access token is refreshed transparently
    Given an hour passes
    When I finalize an invoice for "Jo Citizen" of $40.00 with GST
    Then the QuickBooks status card shows "Synced"

  Scenario: A rotated refresh token is stored and used
    Given 2 days pass
    And a finalized invoice for "Jo Citizen" of $40.00 with GST
    And 2 days pass
    When I finalize an invoice for "Jo Citizen" of $50.00 with GST
    Then the QuickBooks status card shows "Synced"
